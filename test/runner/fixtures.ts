/**
 * Hand-made scenarios, observations and results for runner and reporter tests. They exercise
 * the runner and the reporters' formatting, not TLS: no handshake happens here.
 */
import type { Observation, Scenario, ScenarioResult, Verdict } from '../../harness/model/domain.js';

export function makeScenario(name: string, over: Partial<Scenario> = {}): Scenario {
  const file = over.file ?? 'fixtures/runner.yaml';
  return {
    id: `${file}#${name}`,
    name,
    tags: [],
    file,
    path: file,
    line: 1,
    column: 5,
    pki: { certs: [] },
    server: { driver: 'node-tls', cert: 'leaf', clientCert: 'none' },
    client: { driver: 'node-tls', servername: 'localhost', connect: '127.0.0.1', identityFormat: 'pem' },
    expect: { outcome: 'accept' },
    ...over,
  } as Scenario;
}

/** scenarios on lines 10, 20, 30… of one file, so catalogue order = creation order */
export function numberedScenarios(count: number, file = 'fixtures/runner.yaml'): Scenario[] {
  return Array.from({ length: count }, (_, i) => makeScenario(`s${i + 1}`, { file, line: (i + 1) * 10 }));
}

export function makeObservation(over: Partial<Observation> = {}): Observation {
  return {
    outcome: 'accepted',
    protocol: 'TLSv1.3',
    cipher: 'TLS_AES_256_GCM_SHA384',
    group: 'X25519',
    alpn: false,
    server: { handshake: true, clientCertPresented: false, authorized: false, stapleRequested: false, stapleSent: false },
    revocation: [],
    revocationRequests: [],
    warnings: [],
    driver: { client: 'node-tls', server: 'node-tls' },
    timings: { handshakeMs: 3, totalMs: 5 },
    ...over,
  };
}

export const rejectedObservation = (over: Partial<Observation> = {}): Observation => {
  const { protocol: _p, cipher: _c, group: _g, alpn: _a, ...base } = makeObservation();
  return {
    ...base,
    outcome: 'rejected',
    code: 'CERT_HAS_EXPIRED',
    message: 'certificate has expired',
    category: 'expired',
    side: 'client',
    server: { ...base.server, handshake: false },
    ...over,
  };
};

export function resultFor(s: Scenario, verdict: Verdict, observations: Observation[] = [makeObservation()], durationMs = 12): ScenarioResult {
  return { scenario: { id: s.id, name: s.name, file: s.file, path: s.path, line: s.line, column: s.column, tags: s.tags }, observations, verdict, durationMs };
}

export const passed = (s: Scenario): ScenarioResult => resultFor(s, { status: 'passed' });

export const failed = (s: Scenario): ScenarioResult => resultFor(s, {
  status: 'failed',
  message: 'expected reject (category expired), got accepted (TLSv1.3, TLS_AES_256_GCM_SHA384, group X25519)',
  mismatches: [
    { field: 'outcome', expected: 'rejected', actual: 'accepted' },
    { field: 'category', expected: 'expired', actual: undefined },
  ],
});

export const errored = (s: Scenario, message = 'materials could not be issued: bad key'): ScenarioResult =>
  resultFor(s, { status: 'error', message }, []);

export const skipped = (s: Scenario, reason = 'not on this OpenSSL'): ScenarioResult =>
  resultFor(s, { status: 'skipped', reason }, [], 0);

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
