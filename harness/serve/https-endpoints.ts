/**
 * One HTTPS server per server certificate of a served PKI, on 127.0.0.1 (and on ::1 too, same
 * port, when the certificate names ::1), stapling the OCSP responder's answer when asked: the
 * revoked.badssl.com that works, locally. Each answers with which certificate it serves and what
 * it made of the client's certificate, checked against every CA's CRL (so a revoked client
 * certificate is called revoked, as `openssl verify -crl_check_all` would).
 */
import { X509Certificate } from 'node:crypto';
import { createServer, type Server, type ServerOptions } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Materials } from '../../ca/issue/materials.js';
import { fetchStaple } from '../session/revocation/plan.js';

export interface HttpsEndpoint {
  certId: string;
  /** `https://localhost:PORT/`, then `https://[::1]:PORT/` when it listens there too */
  urls: string[];
  close(): Promise<void>;
}

export interface EndpointOptions {
  /** PEM CRLs of every CA of the PKI (Node checks the whole client chain against them) */
  crlPem: string[];
  /** one fixed port per server certificate, in the PKI's order; none: the system picks */
  ports?: readonly number[];
}

const STAPLE_TIMEOUT_MS = 2000;
/** with a system-picked port, ::1 may have that port taken: pick again this many times */
const PORT_ATTEMPTS = 5;

/** the server certificates of the PKI, in the spec's order: the order `--port` hands out ports */
const serverCertIds = (m: Materials): string[] => [...m.certs.values()].filter((c) => c.spec.role === 'server').map((c) => c.id);

export async function startHttpsEndpoints(m: Materials, opts: EndpointOptions): Promise<HttpsEndpoint[]> {
  const roots = [...m.certs.values()].filter((c) => c.issuerId === undefined).map((c) => c.pem);
  const started: HttpsEndpoint[] = [];
  try {
    for (const [i, certId] of serverCertIds(m).entries()) started.push(await startOne(m, certId, roots, opts.crlPem, opts.ports?.[i]));
    return started;
  } catch (err) {
    await Promise.all(started.map((e) => e.close()));
    throw err;
  }
}

async function startOne(m: Materials, certId: string, roots: string[], crlPem: string[], port: number | undefined): Promise<HttpsEndpoint> {
  const cert = m.get(certId);
  const options: ServerOptions = {
    cert: m.pathToRoot(certId).slice(0, -1).map((id) => m.get(id).pem).join(''),
    key: cert.keyPem,
    ca: roots,
    ...(crlPem.length ? { crl: crlPem } : {}),
    requestCert: true,
    rejectUnauthorized: false,
  };
  const withIpv6 = new X509Certificate(cert.der).checkIP('::1') !== undefined;
  for (let attempt = 1; ; attempt++) {
    const v4 = await listen(serverFor(certId, options), port ?? 0, '127.0.0.1');
    const chosen = (v4.address() as AddressInfo).port;
    try {
      const v6 = withIpv6 ? await listenIpv6(serverFor(certId, options), chosen) : undefined;
      const servers = v6 ? [v4, v6] : [v4];
      return {
        certId,
        urls: [`https://localhost:${chosen}/`, ...(v6 ? [`https://[::1]:${chosen}/`] : [])],
        close: () => Promise.all(servers.map(closeServer)).then(() => undefined),
      };
    } catch (err) {
      await closeServer(v4);
      if (port !== undefined || attempt >= PORT_ATTEMPTS || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    }
  }
}

function serverFor(certId: string, options: ServerOptions): Server {
  const server = createServer(options, (req, res) => {
    res.end(`tlsgate serve: this is '${certId}'; ${clientVerdict(req.socket as TLSSocket)}\n`);
  });
  server.on('OCSPRequest', (certDer: Buffer, issuer: Buffer | null, cb: (err: Error | null, res?: Buffer) => void) => {
    fetchStaple(certDer, issuer, { timeoutMs: STAPLE_TIMEOUT_MS }).then((staple) => cb(null, staple ?? undefined), () => cb(null));
  });
  server.on('tlsClientError', () => undefined);
  return server;
}

/** what the server made of the client's certificate: verified, revoked, or why not verified */
function clientVerdict(socket: TLSSocket): string {
  const peer = socket.getPeerCertificate();
  if (!peer || !peer.subject) return 'no client certificate';
  const name = `client certificate ${JSON.stringify(peer.subject.CN ?? '')}`;
  if (socket.authorized) return `${name}: verified (chain and CRLs)`;
  const error = String(socket.authorizationError);
  return error === 'CERT_REVOKED' ? `${name}: revoked (${error})` : `${name}: not verified (${error})`;
}

function listen(server: Server, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

/** on ::1, or undefined on a host without IPv6 loopback (the certificate's ::1 then has no listener) */
async function listenIpv6(server: Server, port: number): Promise<Server | undefined> {
  try {
    return await listen(server, port, '::1');
  } catch (err) {
    if (['EADDRNOTAVAIL', 'EAFNOSUPPORT'].includes((err as NodeJS.ErrnoException).code ?? '')) return undefined;
    throw err;
  }
}

const closeServer = (server: Server): Promise<void> => new Promise((resolve) => {
  server.closeAllConnections();
  server.close(() => resolve());
});
