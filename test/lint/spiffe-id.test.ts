/** SPIFFE ID syntax as the lint's svid-id rule judges it (SPIFFE-ID.md section 2, X509-SVID.md 3 and 5.2). */
import { expect } from 'chai';
import { spiffeIdProblem } from '../../harness/lint/spiffe-id.js';

describe('lint: SPIFFE ID syntax', () => {
  it('accepts the spec\'s shapes: a leaf with a path, a signing certificate with none', () => {
    expect(spiffeIdProblem('spiffe://example.org/ns/prod/sa/web', true)).to.equal(undefined);
    expect(spiffeIdProblem('spiffe://trust_domain-1.example/a.b/c-d/E_F', true)).to.equal(undefined);
    expect(spiffeIdProblem('spiffe://example.org', false)).to.equal(undefined);
  });

  const refused: Array<[string, boolean, RegExp]> = [
    ['https://example.org/web', true, /scheme 'https'/],
    ['SPIFFE://example.org/web', true, /scheme 'SPIFFE'/],
    ['spiffe:/example.org/web', true, /no trust domain/],
    ['spiffe:///web', true, /empty trust domain/],
    ['spiffe://Example.org/web', true, /trust domain 'Example.org'/],
    ['spiffe://example.org:8443/web', true, /trust domain 'example.org:8443'/],
    ['spiffe://user@example.org/web', true, /trust domain 'user@example.org'/],
    ['spiffe://example.org/web/', true, /empty path segment or a trailing/],
    ['spiffe://example.org//web', true, /empty path segment/],
    ['spiffe://example.org/a/../b', true, /segment '\.\.'/],
    ['spiffe://example.org/a%20b', true, /segment 'a%20b'/],
    ['spiffe://example.org/web?x=1', true, /query or fragment/],
    ['spiffe://example.org', true, /no path: a leaf SVID/],
    ['spiffe://example.org/ca', false, /has a path: a signing certificate/],
    [`spiffe://example.org/${'a'.repeat(2040)}`, true, /longer than 2048 bytes/],
  ];
  for (const [id, leaf, why] of refused) {
    it(`refuses ${id.length > 60 ? `${id.slice(0, 40)}...` : id}${leaf ? '' : ' (signing certificate)'}`, () => {
      expect(spiffeIdProblem(id, leaf)).to.match(why);
    });
  }
});
