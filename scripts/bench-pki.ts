/**
 * The mock PKI's costs (issue: mock PKI), each beside a floor measured in the same run:
 *   - a 3-level PKI with 20 ECDSA leaves, cold (empty cache) and warm, vs one bare ECDSA signature;
 *   - OCSP answers and CRL fetches per second over loopback HTTP, vs a bare HTTP round trip.
 * Run: npm run bench:pki [-- --json results.json]
 */
import { createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { issuePki } from '../ca/issue/factory.js';
import { buildOcspRequest, certIdFor } from '../ca/revocation/ocsp.js';
import { RevocationServers } from '../ca/servers/revocation-servers.js';
import type { PkiSpec } from '../ca/spec/spec.js';
import { flag, printTable, rate, timeRepeated, writeJson, type Row } from './bench-lib.js';

const LEAVES = 20;
const RATE_MS = 2000;
const CONCURRENCY = 8;

const spec: PkiSpec = {
  certs: [
    { id: 'root', role: 'root', subject: 'CN=bench root' },
    { id: 'int', role: 'intermediate', issuer: 'root', subject: 'CN=bench int', crlDistributionPoints: 'auto', ocsp: 'auto' },
    ...Array.from({ length: LEAVES }, (_, i) => ({ id: `leaf${i}`, role: 'server' as const, issuer: 'int', subject: `CN=leaf${i}`, crlDistributionPoints: 'auto' as const, ocsp: 'auto' as const })),
  ],
  revoked: [{ cert: 'leaf3' }],
};

/** fixed URLs: generation alone, no servers */
const endpoints = {
  crlUrl: (ca: string) => `http://127.0.0.1:8080/${ca}.crl`,
  ocspUrl: (ca: string) => `http://127.0.0.1:8081/${ca}`,
  caIssuersUrl: (ca: string) => `http://127.0.0.1:8080/${ca}.crt`,
};

async function pkiRows(): Promise<Row[]> {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const key = createPrivateKey(privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const data = Buffer.alloc(512, 1);
  const signature = await timeRepeated(2000, async () => sign('sha256', data, key));
  const floor = { name: 'ECDSA sign', value: signature.median };
  const cold = await timeRepeated(5, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-pki-'));
    try {
      await issuePki(spec, { cacheDir: dir, endpoints });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  const dir = mkdtempSync(join(tmpdir(), 'bench-pki-'));
  await issuePki(spec, { cacheDir: dir, endpoints });
  const warm = await timeRepeated(20, () => issuePki(spec, { cacheDir: dir, endpoints }));
  rmSync(dir, { recursive: true, force: true });
  return [
    { name: 'floor: one ECDSA P-256 signature', unit: 'ms', value: signature.median },
    { name: `PKI, 22 certs (${LEAVES} leaves), cold cache`, unit: 'ms', value: cold.median, floor, note: `min ${cold.min.toFixed(1)} ms; ${(cold.median / 22).toFixed(2)} ms per cert` },
    { name: `PKI, 22 certs (${LEAVES} leaves), warm cache`, unit: 'ms', value: warm.median, floor, note: `min ${warm.min.toFixed(1)} ms` },
  ];
}

async function serverRows(): Promise<Row[]> {
  const agent = new Agent({ connections: CONCURRENCY, pipelining: 1 });
  const bare = createServer((_req, res) => res.end(Buffer.alloc(400)));
  await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
  const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/`;
  const servers = await RevocationServers.start();
  try {
    const m = await issuePki(spec, { endpoints: servers.endpointsFor('bench') });
    const pki = servers.attach('bench', m);
    pki.registry.revoke('leaf3');
    const ocspRequest = buildOcspRequest([certIdFor(m.get('leaf1').der, m.get('int').der)]);
    const fetch = async (url: string, post?: Buffer) => {
      const res = await request(url, { dispatcher: agent, method: post ? 'POST' : 'GET', ...(post ? { body: post, headers: { 'content-type': 'application/ocsp-request' } } : {}) });
      await res.body.arrayBuffer();
      if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode} from ${url}`);
    };
    const floorRate = await rate(RATE_MS, CONCURRENCY, () => fetch(bareUrl));
    const floor = { name: 'bare HTTP', value: floorRate };
    const ocsp = await rate(RATE_MS, CONCURRENCY, () => fetch(pki.endpoints.ocspUrl('int'), ocspRequest));
    const crl = await rate(RATE_MS, CONCURRENCY, () => fetch(pki.endpoints.crlUrl('int')));
    return [
      { name: `floor: bare HTTP round trips (${CONCURRENCY} at once)`, unit: 'req/s', value: floorRate, higherIsBetter: true },
      { name: 'OCSP answers (POST, signed per request)', unit: 'req/s', value: ocsp, floor, higherIsBetter: true },
      { name: 'CRL fetches (issued per request)', unit: 'req/s', value: crl, floor, higherIsBetter: true },
    ];
  } finally {
    await servers.close();
    await agent.close();
    await new Promise((r) => bare.close(r));
  }
}

const rows = [...(await pkiRows()), ...(await serverRows())];
printTable(`mock PKI on Node ${process.versions.node} (ratio: times the floor; lower is better)`, rows);
await writeJson(flag('json'), { node: process.versions.node, at: new Date().toISOString(), rows });
