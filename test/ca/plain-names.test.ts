/**
 * Subjects of the plain form are accepted without loading @peculiar/x509 (validate-spec.ts):
 * the library itself is the oracle that every such name parses, and names outside the form are
 * still checked by it.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import * as x509 from '../../ca/asn1/x509.js';
import { PLAIN_DISTINGUISHED_NAME, validatePkiSpec } from '../../ca/spec/validate-spec.js';

const VALUE_CHARS = [...'abcxyzABCXYZ0189._()- '];
const value = fc.array(fc.constantFrom(...VALUE_CHARS), { minLength: 1, maxLength: 24 }).map((cs) => cs.join(''));
const attribute = fc.tuple(fc.constantFrom('CN', 'O', 'OU', 'L', 'ST', 'C'), value).map(([name, v]) => `${name}=${v}`);
const dn = fc.array(attribute, { minLength: 1, maxLength: 5 }).map((parts) => parts.join(','));

const subjectProblems = (subject: string) => validatePkiSpec({ certs: [{ id: 'root', role: 'root', subject }] })
  .filter((p) => p.path.join('.') === 'certs.0.subject');

describe('plain distinguished names (checked without an ASN.1 library)', () => {
  it('every name of the plain form parses with @peculiar/x509', () => {
    fc.assert(fc.property(dn, (name) => {
      if (!PLAIN_DISTINGUISHED_NAME.test(name)) return;
      expect(() => new x509.Name(name)).not.to.throw();
    }), { numRuns: 2000 });
  });

  it('the catalogue\'s kind of names are plain; others still go through the library', () => {
    expect(PLAIN_DISTINGUISHED_NAME.test('CN=tlsgate New Root (ISRG X1 role),O=tlsgate')).to.equal(true);
    expect(PLAIN_DISTINGUISHED_NAME.test('XX=foo')).to.equal(false);
    expect(subjectProblems('XX=foo')).to.have.length(1);
    expect(subjectProblems('CN=ok,O=tlsgate')).to.deep.equal([]);
    expect(subjectProblems('E=someone@example.test')).to.deep.equal([]);
  });
});
