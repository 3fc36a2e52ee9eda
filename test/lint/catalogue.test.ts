/**
 * `tlsgate lint` on the catalogue's own certificates, as `tlsgate certs` writes them: the
 * certificates the catalogue makes weak, expired, not yet valid, misnamed or malformed on
 * purpose are flagged with the rule its scenarios exercise, and the good ones around them carry
 * no error. (Every catalogue certificate lacks CRL/OCSP pointers unless a scenario needs them,
 * so missing-revocation-info warnings are expected and not asserted here; the catalogue's client
 * SVIDs have EKU clientAuth only, which the SPIFFE spec flags: an svid-eku warning.)
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { tlsgate } from '../cli/spawn.js';

/** scenario written out -> (certificate id -> the error rules the lint must report; ids left out: none) */
const CATALOGUE: Readonly<Record<string, { scenario: string; ids: readonly string[]; errors: Readonly<Record<string, readonly string[]>> }>> = {
  weak: {
    scenario: 'chain/weak.yaml#RSA-1024 leaf at the default security level',
    ids: ['root', 'rsa1024-leaf', 'sha1-leaf', 'md5-leaf', 'sha1-int', 'leaf-under-sha1-int'],
    errors: { 'rsa1024-leaf': ['weak-key'], 'sha1-leaf': ['weak-signature'], 'md5-leaf': ['weak-signature'], 'sha1-int': ['weak-signature'] },
  },
  spiffe: {
    scenario: 'mtls/spiffe.yaml#SPIFFE SVID the server authorizes',
    ids: ['bundle', 'server', 'svid', 'other-svid', 'two-uris'],
    errors: { 'two-uris': ['svid-uri-san'] },
  },
  validity: {
    scenario: 'chain/validity.yaml#expired leaf',
    ids: ['root', 'int', 'expired-leaf', 'future-leaf', 'expired-int', 'leaf-under-expired-int', 'future-int', 'leaf-under-future-int',
      'expired-root', 'leaf-under-expired-root', 'future-root', 'leaf-under-future-root', 'short-lived'],
    errors: {
      'expired-leaf': ['expired'], 'expired-int': ['expired'], 'expired-root': ['expired'],
      'future-leaf': ['not-yet-valid'], 'future-int': ['not-yet-valid'], 'future-root': ['not-yet-valid'],
    },
  },
  names: {
    scenario: 'hostname/names.yaml#exact DNS SAN',
    ids: ['root', 'exact', 'wildcard', 'cn-only', 'cn-and-other-san', 'ipv4', 'ipv4-other', 'ipv6', 'ipv6-other', 'ip-as-dns', 'mixed-case', 'idn', 'uri-only', 'email-only'],
    // uri-only carries a spiffe URI and an https URI: as an SVID it breaks both rules
    errors: { 'ip-as-dns': ['name-ip-in-dns-san'], 'uri-only': ['svid-id', 'svid-uri-san'] },
  },
};

interface JsonFinding { file: string; rule: string; severity: string }

describe("tlsgate lint on the catalogue's own certificates (tlsgate certs output)", function () {
  this.timeout(180_000);
  let dir: string;
  let findings: JsonFinding[];
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tlsgate-lint-catalogue-'));
    for (const [out, { scenario }] of Object.entries(CATALOGUE)) {
      const r = await tlsgate(['certs', scenario, '--out', join(dir, out), '--certs', join(dir, 'cache')]);
      expect(r.code, r.stderr).to.equal(0);
    }
    const lint = await tlsgate(['lint', ...Object.keys(CATALOGUE).map((d) => join(dir, d)), '--reporter', 'json']);
    expect(lint.code, lint.stderr).to.equal(1);
    findings = (JSON.parse(lint.stdout) as { findings: JsonFinding[] }).findings;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** the error rules reported for `<out>/<id>.pem`, the certificate's own file */
  const errorsOf = (out: string, id: string) => findings
    .filter((f) => f.severity === 'error' && basename(dirname(f.file)) === out && basename(f.file) === `${id}.pem`)
    .map((f) => f.rule).sort();

  for (const [out, { scenario, ids, errors }] of Object.entries(CATALOGUE)) {
    it(`${scenario.split('#')[0]}: ${Object.keys(errors).join(', ')} flagged; ${ids.filter((i) => !errors[i]).join(', ')} carry no error`, () => {
      const got = Object.fromEntries(ids.map((id) => [id, errorsOf(out, id)]));
      const want = Object.fromEntries(ids.map((id) => [id, [...(errors[id] ?? [])].sort()]));
      expect(got).to.deep.equal(want);
    });
  }

  it("the CN-only certificate is the CN-fallback warning the hostname scenarios record (Node still accepts it)", () => {
    const rulesOf = (id: string) => findings.filter((f) => basename(dirname(f.file)) === 'names' && basename(f.file) === `${id}.pem`).map((f) => f.rule);
    expect(rulesOf('cn-only')).to.include('name-cn-fallback');
    expect(rulesOf('exact')).to.not.include('name-cn-fallback');
  });

  it("a chain file carries its CA's weakness too: leaf-under-sha1-int's chain names the SHA-1 intermediate", () => {
    const chain = findings.filter((f) => basename(f.file) === 'leaf-under-sha1-int.chain.pem' && f.severity === 'error').map((f) => f.rule);
    expect(chain).to.deep.equal(['weak-signature']);
  });
});
