/**
 * One HTTPS server per server certificate of a served PKI, on 127.0.0.1 port 0, stapling the
 * OCSP responder's answer when asked: the revoked.badssl.com that works, locally. Each answers
 * with which certificate it serves and what it saw of the client's certificate.
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Materials } from '../../ca/materials.js';
import { fetchStaple } from '../revocation/plan.js';

export interface HttpsEndpoint {
  certId: string;
  url: string;
  close(): Promise<void>;
}

const STAPLE_TIMEOUT_MS = 2000;

export async function startHttpsEndpoints(m: Materials): Promise<HttpsEndpoint[]> {
  const servers = [...m.certs.values()].filter((c) => c.spec.role === 'server');
  const roots = [...m.certs.values()].filter((c) => c.issuerId === undefined).map((c) => c.pem);
  return Promise.all(servers.map((c) => startOne(m, c.id, roots)));
}

async function startOne(m: Materials, certId: string, roots: string[]): Promise<HttpsEndpoint> {
  const chain = m.pathToRoot(certId).slice(0, -1).map((id) => m.get(id).pem).join('');
  const server: Server = createServer({ cert: chain, key: m.get(certId).keyPem, ca: roots, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    const socket = req.socket as TLSSocket;
    const peer = socket.getPeerCertificate();
    const client = peer && peer.subject
      ? `client certificate ${JSON.stringify(peer.subject.CN ?? '')}: ${socket.authorized ? 'verified' : `not verified (${String(socket.authorizationError)})`}`
      : 'no client certificate';
    res.end(`tlsgate serve: this is '${certId}'; ${client}\n`);
  });
  server.on('OCSPRequest', (cert: Buffer, issuer: Buffer | null, cb: (err: Error | null, res?: Buffer) => void) => {
    fetchStaple(cert, issuer, { timeoutMs: STAPLE_TIMEOUT_MS }).then((staple) => cb(null, staple ?? undefined), () => cb(null));
  });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    certId,
    url: `https://localhost:${port}/`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
