/**
 * One fixture per kind of problem, each asserting the exact line `tlsgate validate` prints:
 * position, path, message and hint are the user interface of the loader.
 */
import { expect } from 'chai';
import { join } from 'node:path';
import { packageRoot } from '../../harness/model/paths.js';
import { loadScenarios } from '../../harness/scenario/load.js';
import { formatProblem } from '../../harness/scenario/problems.js';

const FIXTURES = join(packageRoot(), 'test', 'scenario', 'fixtures');
const PROBLEMS = join(FIXTURES, 'problems');
const PEM = join(FIXTURES, 'pem');
const SERIAL_HINT = 'give a positive hex number below 2^159: it must fit 20 DER octets (RFC 5280 4.1.2.2), and DER puts a 00 byte before a first byte of 80-ff; leading zeros are fine; omit serial for 16 random bytes';

async function linesOf(...paths: string[]): Promise<string[]> {
  const { scenarios, problems } = await loadScenarios(paths);
  expect(scenarios, 'no scenarios from a file with problems').to.deep.equal([]);
  return problems.map(formatProblem);
}

describe('scenario loader: problems, one fixture per kind', function () {
  this.timeout(10_000);

  it('the CLI fixture with two problems gives exactly two: the unknown key and the unknown certificate', async () => {
    const file = join(packageRoot(), 'test', 'cli', 'fixtures', 'bad', 'two-problems.yaml');
    const { problems } = await loadScenarios([file]);
    expect(problems.map((p) => [p.line, p.column, p.path])).to.deep.equal([[7, 5, 'scenarios[0].surprise'], [11, 21, 'scenarios[1].server.cert']]);
    expect(problems[0]!.message).to.include('surprise');
    expect(problems[1]!.message).to.include('nowhere');
    expect(problems.map(formatProblem)).to.deep.equal([
      `${file}:7:5  scenarios[0].surprise  unknown key 'surprise'  (allowed here: name, description, tags, server, client, expect, stacks, known, then, faults, timeoutMs, skip)`,
      `${file}:11:21  scenarios[1].server.cert  unknown certificate 'nowhere'  (known ids: root)`,
    ]);
  });

  const cases: Array<[fixture: string, lines: (file: string) => string[]]> = [
    ['yaml-syntax.yaml', (f) => [`${f}:5:1  -  YAML: Missing closing "quote`]],
    ['top-level-list.yaml', (f) => [`${f}:2:1  -  the top level must be a mapping, not a list  (a scenario file is a mapping with pki, defaults and scenarios; see the files in scenarios/ for examples)`]],
    ['duplicate-key.yaml', (f) => [`${f}:7:27  scenarios[0].server.cert  duplicate key 'cert'  (already given on line 7; a key may appear once in a mapping)`]],
    ['alias-bomb.yaml', (f) => [`${f}:3:10  -  aliases expand to too many nodes (more than 100)  (use \`defaults:\` for shared settings instead of YAML anchors)`]],
    ['unsafe-timeout.yaml', (f) => [`${f}:8:16  scenarios[0].timeoutMs  1e+23 is too large (the maximum is 600000)  (Per-connection timeout in ms; overrides defaults and --timeout.)`]],
    ['unknown-key-typo.yaml', (f) => [`${f}:7:5  scenarios[0].sever  unknown key 'sever'  (did you mean server? allowed here: name, description, tags, server, client, expect, stacks, known, then, faults, timeoutMs, skip)`]],
    ['unknown-cert.yaml', (f) => [`${f}:9:23  scenarios[0].client.trust[0]  unknown certificate 'roots'  (did you mean root? known ids: root, leaf)`]],
    ['enum-typo.yaml', (f) => [`${f}:8:24  scenarios[0].expect.outcome  'acept' is not a valid outcome  (did you mean accept? allowed: accept, reject)`]],
    ['wrong-type.yaml', (f) => [`${f}:8:13  scenarios[0].expect  must be a mapping, not a list  (What the first connection must do: \`outcome\` accept or reject, and optionally code, category, side...)`]],
    ['missing-expect.yaml', (f) => [`${f}:6:5  scenarios[0].expect  missing required key 'expect'  (What the first connection must do: \`outcome\` accept or reject, and optionally code, category, side...)`]],
    ['missing-server-cert.yaml', (f) => [`${f}:9:13  scenarios[0].server.cert  missing required key 'cert'  (the id of the certificate the server presents: set server.cert here or in defaults.server)`]],
    ['duplicate-name.yaml', (f) => [`${f}:10:11  scenarios[1].name  duplicate scenario name 'same'  (scenarios[0] on line 8 has it too; names are unique within a file, the id is file#name)`]],
    ['bad-regex.yaml', (f) => [`${f}:8:41  scenarios[0].expect.message  not a valid regular expression: /wrong (version/: Unterminated group  (expect.message is a regular expression (case-insensitive) tested against the error message; escape ( [ . * + ? with a backslash to match them literally)`]],
    ['fault-kind.yaml', (f) => [
      `${f}:10:55  scenarios[0].faults[0].fault.kind  unknown kind 'dealy'  (did you mean delay? allowed: delay, hang, http-status, truncate, garbage, trickle, endless, stale, future, wrong-key, signer-without-eku, certid-mismatch, nonce-mismatch, unknown-status, ocsp-status)`,
      `${f}:13:14  scenarios[1].faults[0]  give exactly one of ca or cert`,
    ]],
    ['trust-union.yaml', (f) => [
      `${f}:9:22  scenarios[0].client.trust  must be a list of certificate ids or \`system\`  (did you mean system?)`,
      `${f}:12:29  scenarios[1].client.trust[1]  must be a string, not 42`,
    ]],
    ['time-spec.yaml', (f) => [`${f}:4:73  pki.certs[0].validity.notAfter  '+90days': not a time  (End of validity (default +3650d for CAs, +90d for leaves): \`now\`, an offset such as -1d, +90d, +1h, -30m, +10s, +2w, +1y, or an ISO date such as 2030-01-01T00:00:00Z.)`]],
    ['revoke-pem-file.yaml', (f) => [`${f}:10:18  scenarios[0].then[0].revoke[0]  'prod' comes from pki.files and its issuer is not under pki.files: to revoke it or answer OCSP about it, tlsgate signs as its issuer  (add the issuing CA's certificate and key under pki.files)`]],
    ['shapes.yaml', (f) => [
      `${f}:9:47  scenarios[0].faults[0].fault.kind  missing required key 'kind'  (one of: delay, hang, http-status, truncate, garbage, trickle, endless, stale, future, wrong-key, signer-without-eku, certid-mismatch, nonce-mismatch, unknown-status, ocsp-status)`,
      `${f}:10:58  scenarios[0].expect.revocationChecked[1]  'ocsp' is listed twice (items 0 and 1)  (Revocation sources that must have been asked: crl, ocsp, staple.)`,
      `${f}:11:4  scenarios[1]  must be a mapping, not empty  (One scenario: a \`name\`, what to \`expect\`, and optionally server, client, then, faults...)`,
    ]],
    ['pki-semantic.yaml', (f) => [`${f}:5:41  pki.certs[1].issuer  unknown issuer 'nobody'  (known ids: root, leaf; omit issuer for a self-signed certificate)`]],
    // validatePkiSpec would report the serial too: it runs only on a pki the schema accepted
    ['pki-shape.yaml', (f) => [`${f}:4:59  pki.certs[0].serial  'xyz': not a hex serial number (1 to 40 hex digits)  (Serial number in hex; default 16 random bytes.)`]],
    // the schema's hex pattern lets these through; RFC 5280 4.1.2.2 does not ("0001" is fine: encoded as 01)
    ['serial-range.yaml', (f) => [
      `${f}:4:59  pki.certs[0].serial  serial '0000' is zero; a serial number must be positive  (${SERIAL_HINT})`,
      `${f}:5:75  pki.certs[1].serial  serial '${'ff'.repeat(20)}' takes 21 octets in DER, over the 20 RFC 5280 allows  (${SERIAL_HINT})`,
    ]],
    ['trust-system-list.yaml', (f) => [`${f}:9:23  scenarios[0].client.trust[0]  unknown certificate 'system'  (for Node's own CA store write \`trust: system\` (a plain value, not a list); a list holds certificate ids only)`]],
    ['pem-trust-missing.yaml', (f) => [
      `${f}:6:5  scenarios[0].client.trust  client.trust is missing: the server certificate 'prod' comes from pki.files, and tlsgate never infers trust from files (a root the server sends is not a trust anchor)  (name the anchors the client trusts, here or in defaults.client, e.g. trust: [<id of your root>] (pki.files ids: prod))`,
    ]],
    ['pem-keyless.yaml', (f) => [
      `${f}:7:19  defaults.server.cert  certificate 'prod' has no private key to serve it with  (add key: <path> under pki.files.prod, or name the certificate holding the key in server.key)`,
      `${f}:14:25  scenarios[1].client.identity  certificate 'prod' has no private key to use as a client identity  (add key: <path> under pki.files.prod)`,
    ]],
  ];
  for (const [fixture, expected] of cases) {
    it(`${fixture}: ${expected('').length === 1 ? 'one exact line' : `${expected('').length} exact lines`}`, async () => {
      const file = join(PROBLEMS, fixture);
      expect(await linesOf(file)).to.deep.equal(expected(file));
    });
  }

  it('pki.files: each way a PEM entry can be wrong has its own message', async () => {
    const f = join(PROBLEMS, 'pem-files.yaml');
    const lines = await linesOf(f);
    expect(lines).to.have.length(8);
    expect(lines[0]).to.equal(`${f}:6:22  pki.files.missing.cert  ../pem/missing.pem: file not found  (looked for ${join(PEM, 'missing.pem')}; paths are relative to the folder of this scenario file)`);
    expect(lines[1]).to.equal(`${f}:7:18  pki.files.der.cert  ../pem/prod.der is not a PEM certificate (no -----BEGIN CERTIFICATE----- line)  (convert DER with \`openssl x509 -inform der -in cert.der -out cert.pem\`)`);
    // the reason after the colon is OpenSSL's and changes between versions
    expect(lines[2]).to.match(/^\S+pem-files\.yaml:8:22 {2}pki\.files\.corrupt\.cert {2}\.\.\/pem\/corrupt\.pem does not hold a valid certificate: .+$/);
    expect(lines[3]).to.equal(`${f}:9:25  pki.files.crl-as-cert.crl  ../pem/prod.pem is not a CRL file: it holds a certificate, not a CRL (give it with cert:)  (give a CRL as \`openssl ca -gencrl\` writes it (PEM, several blocks allowed) or DER (\`openssl crl -outform der\`))`);
    expect(lines[4]).to.match(/^\S+pem-files\.yaml:10:48 {2}pki\.files\.garbage-key\.key {2}\.\.\/pem\/not-a-key\.key is not a PEM private key \(.+\) {2}\(expected a -----BEGIN PRIVATE KEY----- \(or RSA\/EC PRIVATE KEY\) block\)$/);
    expect(lines[5]).to.equal(`${f}:11:46  pki.files.encrypted.key  ../pem/encrypted.key is an encrypted private key  (tlsgate needs it unencrypted: \`openssl pkey -in key.pem -out plain.pem\`)`);
    expect(lines[6]).to.equal(`${f}:12:45  pki.files.mismatch.key  ../pem/other.key is not the key of ../pem/prod.pem  (give the key file of this certificate (compare \`openssl x509 -noout -pubkey\` with \`openssl pkey -pubout\`))`);
    expect(lines[7]).to.equal(`${f}:13:5  pki.files.root  id 'root' is defined twice: in pki.certs and in pki.files  (give one of them another id)`);
  });

  it('two folders with the same layout: the second id is a problem naming the first', async () => {
    const a = join(FIXTURES, 'collide-a');
    const b = join(FIXTURES, 'collide-b');
    expect(await linesOf(a, b)).to.deep.equal([
      `${join(b, 'same.yaml')}:6:5  scenarios[0].name  scenario id 'same.yaml#twin' is taken by ${join(a, 'same.yaml')}:6  (ids are <file relative to the folder given>#<name>: rename this file or scenario)`,
    ]);
  });

  it('a path that does not exist, and a folder without scenario files, are problems (nothing would run)', async () => {
    const missing = join(FIXTURES, 'no-such-folder');
    const empty = join(FIXTURES, 'pem');
    expect(await linesOf(missing, empty)).to.deep.equal([
      `${missing}:1:1  -  no such file or folder`,
      `${empty}:1:1  -  no scenario files (*.yaml, *.yml) in this folder  (an empty folder would run nothing and pass; give the folder that holds the scenario files)`,
    ]);
  });

  it('a file given by a relative path is shown as given, its scenarios named by its basename', async () => {
    const { problems } = await loadScenarios(['test/cli/fixtures/bad/two-problems.yaml']);
    expect(problems[0]!.file).to.equal('test/cli/fixtures/bad/two-problems.yaml');
    const folder = await loadScenarios(['test/cli/fixtures/bad/']);
    expect(folder.problems[0]!.file).to.equal(join('test/cli/fixtures/bad', 'two-problems.yaml'));
  });
});
