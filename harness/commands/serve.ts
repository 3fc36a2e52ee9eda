/**
 * `tlsgate serve`: issue a PKI (a spec file's `pki`, or the default one), write it to a folder,
 * and serve its CRLs, OCSP answers and one HTTPS endpoint per server certificate until Ctrl-C.
 * Exit 0 after a clean stop, 2 for a bad spec.
 */
import { existsSync } from 'node:fs';
import { issuePki } from '../../ca/factory.js';
import { RevocationServers } from '../../ca/revocation-servers.js';
import type { PkiSpec } from '../../ca/spec.js';
import { DEFAULT_PKI } from '../serve/default-pki.js';
import { startHttpsEndpoints, type HttpsEndpoint } from '../serve/https-endpoints.js';
import { describeServe } from '../serve/instructions.js';
import { writePki } from '../serve/manifest.js';
import { checkOutputPaths } from '../output-paths.js';
import { EXIT } from './exit.js';

export interface ServeArgs {
  spec?: string;
  out: string;
  certsDir?: string;
  signal: AbortSignal;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
}

const NAMESPACE = 'pki';

export async function serveCommand(args: ServeArgs): Promise<number> {
  const stdout = args.stdout ?? process.stdout;
  const stderr = args.stderr ?? process.stderr;
  checkOutputPaths([{ flag: '--out', path: args.out, kind: 'folder' }, ...(args.certsDir ? [{ flag: '--certs', path: args.certsDir, kind: 'folder' as const }] : [])]);
  const spec = args.spec === undefined ? DEFAULT_PKI : await specFrom(args.spec, stderr);
  if (!spec) return EXIT.usage;
  const servers = await RevocationServers.start();
  let endpoints: HttpsEndpoint[] = [];
  try {
    const materials = await issuePki(spec, { endpoints: servers.endpointsFor(NAMESPACE), ...(args.certsDir ? { cacheDir: args.certsDir } : {}) });
    const pki = servers.attach(NAMESPACE, materials);
    for (const r of spec.revoked ?? []) pki.registry.revoke(r.cert, { ...(r.reason ? { reason: r.reason } : {}), ...(r.time ? { time: r.time } : {}), ...(r.invalidityDate ? { invalidityDate: r.invalidityDate } : {}) });
    endpoints = await startHttpsEndpoints(materials);
    const manifest = await writePki(args.out, materials, pki, endpoints, { crl: servers.crl.origin, ocsp: servers.ocsp.origin });
    stdout.write(describeServe(manifest, args.out));
    await untilAborted(args.signal);
    return EXIT.passed;
  } finally {
    await Promise.all([servers.close(), ...endpoints.map((e) => e.close())]);
  }
}

async function specFrom(file: string, stderr: NodeJS.WritableStream): Promise<PkiSpec | undefined> {
  if (!existsSync(file)) {
    stderr.write(`tlsgate serve: no such spec file: ${file}\n`);
    return undefined;
  }
  const [{ loadPkiFile }, { formatProblem }] = await Promise.all([import('../scenario/pki-file.js'), import('../scenario/problems.js')]);
  const { spec, problems } = await loadPkiFile(file);
  for (const p of problems) stderr.write(`${formatProblem(p)}\n`);
  if (problems.length) stderr.write(`\ntlsgate serve: ${problems.length} problem${problems.length === 1 ? '' : 's'} in ${file}; nothing was served\n`);
  return spec;
}

const untilAborted = (signal: AbortSignal): Promise<void> =>
  signal.aborted ? Promise.resolve() : new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
