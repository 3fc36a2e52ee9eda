/**
 * `pki.files` with every kind of certificate file paired with every kind of key file: each wrong
 * file gets its own message at its own path (cert or key), a wrong certificate hides nothing
 * else about the entry but its key (which cannot be judged without it), and right pairs pass.
 */
import { expect } from 'chai';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../harness/model/paths.js';
import { loadScenarios } from '../../harness/scenario/load.js';

const FIXTURES = join(packageRoot(), 'test', 'scenario', 'fixtures', 'pem');

/** file name in the temp folder -> what the loader must say about it (undefined: it is fine) */
const CERT_FILES: Readonly<Record<string, RegExp | undefined>> = {
  'prod.pem': undefined,
  'cert-then-key.pem': undefined,
  'missing.pem': /^missing\.pem: file not found$/,
  'a-folder': /^a-folder is not a file$/,
  'prod.der': /^prod\.der is not a PEM certificate \(no -----BEGIN CERTIFICATE----- line\)$/,
  'empty.pem': /^empty\.pem is not a PEM certificate/,
  'corrupt.pem': /^corrupt\.pem does not hold a valid certificate: /,
  // a bundle: `<id>` is its first certificate (prod), `<id>#2` the next
  'two-certs.pem': undefined,
  'prod.key': /^prod\.key holds a private key, not a certificate$/,
  'huge.pem': /^huge\.pem is \d+ bytes; a PEM file is a few KB$/,
};

const KEY_FILES: Readonly<Record<string, RegExp | undefined>> = {
  'prod.key': undefined,
  'cert-then-key.pem': undefined,
  'missing.key': /^missing\.key: file not found$/,
  'a-folder': /^a-folder is not a file$/,
  'not-a-key.key': /^not-a-key\.key is not a PEM private key \(/,
  'encrypted.key': /^encrypted\.key is an encrypted private key$/,
  'other.key': /^other\.key is not the key of (prod\.pem|cert-then-key\.pem|two-certs\.pem \(the first certificate of two-certs\.pem; the key goes with the bundle's first\))$/,
  'prod.pem': /^prod\.pem holds a certificate, not a private key$/,
  'public.pem': /^public\.pem holds a public key, not a private key$/,
  'empty.pem': /^empty\.pem is not a PEM private key \(/,
};

describe('pki.files: every certificate file against every key file, each with its own message', function () {
  this.timeout(10_000);
  let dir: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tlsgate-pem-table-'));
    for (const f of ['prod.pem', 'prod.key', 'prod.der', 'corrupt.pem', 'two-certs.pem', 'not-a-key.key', 'encrypted.key', 'other.key']) {
      copyFileSync(join(FIXTURES, f), join(dir, f));
    }
    const cert = readFileSync(join(FIXTURES, 'prod.pem'), 'utf8');
    const key = readFileSync(join(FIXTURES, 'prod.key'), 'utf8');
    writeFileSync(join(dir, 'cert-then-key.pem'), cert + key);
    writeFileSync(join(dir, 'public.pem'), createPublicKey(createPrivateKey(key)).export({ type: 'spki', format: 'pem' }));
    writeFileSync(join(dir, 'empty.pem'), '');
    writeFileSync(join(dir, 'huge.pem'), cert.repeat(2000));
    mkdirSync(join(dir, 'a-folder'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const [certFile, certProblem] of Object.entries(CERT_FILES)) {
    it(`cert: ${certFile} with each of ${Object.keys(KEY_FILES).length} key files`, async () => {
      const ids = Object.keys(KEY_FILES).map((keyFile, i) => [`entry-${i}`, keyFile] as const);
      const scenarioFile = join(dir, `with-${certFile.replace(/\W/g, '-')}.yaml`);
      writeFileSync(scenarioFile, [
        'pki:',
        '  files:',
        '    good: { cert: prod.pem, key: prod.key }',
        ...ids.map(([id, keyFile]) => `    ${id}: { cert: ${certFile}, key: ${keyFile} }`),
        '    alone: { cert: ' + certFile + ' }',
        'scenarios:',
        '  - { name: uses the good pair, server: { cert: good }, expect: { outcome: accept } }',
        '',
      ].join('\n'));
      const { problems } = await loadScenarios([scenarioFile]);
      const found = new Map(problems.map((p) => [p.path, p.message]));
      for (const [id, keyFile] of [...ids, ['alone', undefined] as const]) {
        const keyProblem = keyFile === undefined ? undefined : KEY_FILES[keyFile];
        if (certProblem) {
          expect(found.get(`pki.files.${id}.cert`), `${id} cert`).to.match(certProblem);
          expect(found.has(`pki.files.${id}.key`), `${id}: a key is not judged without its certificate`).to.equal(false);
        } else {
          expect(found.has(`pki.files.${id}.cert`), `${id} cert`).to.equal(false);
          if (keyProblem) expect(found.get(`pki.files.${id}.key`), `${id} key ${keyFile}`).to.match(keyProblem);
          else expect(found.has(`pki.files.${id}.key`), `${id} key ${keyFile}: ${found.get(`pki.files.${id}.key`)}`).to.equal(false);
        }
      }
      const unexpected = problems.filter((p) => !/^pki\.files\.(entry-\d+|alone)\.(cert|key)$/.test(p.path));
      expect(unexpected.map((p) => `${p.path}: ${p.message}`)).to.deep.equal([]);
      for (const p of problems) expect(p.file).to.equal(scenarioFile);
    });
  }
});
