/**
 * Node 20 (OpenSSL 3.0) refuses a group it does not know (X25519MLKEM768) and leaves an error on
 * this thread's OpenSSL queue; the next private-key parse of a valid key then fails with it. The
 * first test shows that on raw node:tls (the bug), the second that the drain takes it off, and
 * the last that a scenario refusing the group, on either end, leaves nothing for the next
 * scenario (harness/drivers/portable/openssl-error-queue.ts).
 */
import { expect } from 'chai';
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSecureContext } from 'node:tls';
import { drainStaleOpenSslErrors } from '../../harness/drivers/portable/openssl-error-queue.js';
import { loadScenarios } from '../../harness/scenario/load.js';
import { createEngine } from '../../harness/session/engine.js';

const UNKNOWN_GROUP = 'X25519MLKEM768';
const validKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;

/** what the next private-key parse of a valid key meets: 'clean', or the error it failed with */
const nextKeyParse = (): string => {
  try {
    createPrivateKey(validKey);
    return 'clean';
  } catch (err) {
    return (err as Error).message;
  }
};

/** whether this Node refuses the group (it knows it from OpenSSL 3.5 on) */
const refusesGroup = (): boolean => {
  try {
    createSecureContext({ ecdhCurve: UNKNOWN_GROUP });
    return false;
  } catch {
    drainStaleOpenSslErrors();
    return true;
  }
};

describe('errors a refused group leaves on the OpenSSL queue', function () {
  this.timeout(60_000);
  before(function () {
    if (!refusesGroup()) this.skip(); // this Node knows X25519MLKEM768: nothing is refused
  });
  afterEach(() => drainStaleOpenSslErrors());

  it(`raw node:tls: createSecureContext({ ecdhCurve: '${UNKNOWN_GROUP}' }) throws, and the next parse of a valid key fails with its leftover (the bug)`, function () {
    expect(() => createSecureContext({ ecdhCurve: UNKNOWN_GROUP })).to.throw();
    const next = nextKeyParse();
    if (next === 'clean') this.skip(); // this Node clears its queue: the drain is no longer needed
    expect(next).to.match(/passed invalid argument/);
  });

  it('drainStaleOpenSslErrors takes the leftover off: it counts one, and the next parse is clean', function () {
    expect(() => createSecureContext({ ecdhCurve: UNKNOWN_GROUP })).to.throw();
    expect(drainStaleOpenSslErrors()).to.equal(1);
    expect(nextKeyParse()).to.equal('clean');
    expect(drainStaleOpenSslErrors(), 'nothing left').to.equal(0);
  });

  it('a scenario whose client or server refuses the group gets its config-error, and leaves nothing queued for the next scenario', async function () {
    const dir = mkdtempSync(join(tmpdir(), 'tlsgate-error-queue-'));
    try {
      writeFileSync(join(dir, 'refused-group.yaml'), [
        'pki:',
        '  certs:',
        '    - { id: root, role: root, subject: "CN=queue root" }',
        '    - { id: leaf, role: server, issuer: root, subject: "CN=localhost", san: { dns: [localhost] } }',
        'defaults:',
        '  server: { cert: leaf }',
        'scenarios:',
        `  - name: client refuses\n    client: { ecdhCurve: ${UNKNOWN_GROUP} }\n    expect: { outcome: reject, category: config-error, side: client }`,
        `  - name: server refuses\n    server: { ecdhCurve: ${UNKNOWN_GROUP} }\n    expect: { outcome: reject, category: config-error, side: server }`,
        '',
      ].join('\n'));
      const { scenarios, problems } = await loadScenarios([join(dir, 'refused-group.yaml')]);
      expect(problems).to.deep.equal([]);
      const engine = await createEngine({ certsDir: join(dir, 'certs'), timeoutMs: 5000 });
      try {
        for (const scenario of scenarios) {
          const result = await engine.run(scenario, new AbortController().signal);
          expect(result.verdict, `${scenario.name}: ${JSON.stringify(result.observations.map((o) => [o.code, o.message]))}`).to.deep.equal({ status: 'passed' });
          expect(nextKeyParse(), `after '${scenario.name}'`).to.equal('clean');
        }
      } finally {
        await engine.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
