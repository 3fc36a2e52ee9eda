import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { chainFromPeerCertificate, formatSubject, peerInfoFromChain, spiffeIdOf, splitSubjectAltName } from '../../harness/drivers/portable/peer.js';
import { testPki } from './openssl-pki.js';

/** a self-signed cert whose SANs hold a comma, made by openssl from a config section */
function certWithAwkwardSans(): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'tlsgate-h4-peer-'));
  try {
    writeFileSync(join(dir, 'alt.cnf'), [
      '[req]', 'distinguished_name=dn', 'x509_extensions=ext', 'prompt=no',
      '[dn]', 'CN=comma test', 'O=tlsgate',
      '[ext]', 'subjectAltName=@alt',
      '[alt]', 'DNS.1=example.com', 'URI.1=https://example.com/a,b', 'URI.2=spiffe://x/y',
    ].join('\n'));
    execFileSync('openssl', ['req', '-x509', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
      '-keyout', join(dir, 'k.pem'), '-config', join(dir, 'alt.cnf'), '-out', join(dir, 'c.pem')], { stdio: 'ignore' });
    return Buffer.from(new X509Certificate(readFileSync(join(dir, 'c.pem'))).raw);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('peer info', () => {
  it('splits Node\'s SAN text outside quotes and unquotes JSON-escaped values', () => {
    expect(splitSubjectAltName('DNS:example.com, URI:"https://example.com/a\\u002cb", URI:spiffe://x/y'))
      .to.deep.equal(['DNS:example.com', 'URI:https://example.com/a,b', 'URI:spiffe://x/y']);
    expect(splitSubjectAltName(undefined)).to.deep.equal([]);
  });

  it('reads a real certificate whose URI SAN contains a comma', () => {
    const info = peerInfoFromChain([certWithAwkwardSans()])!;
    expect(info.subject).to.equal('CN=comma test, O=tlsgate');
    expect(info.san).to.deep.equal(['DNS:example.com', 'URI:https://example.com/a,b', 'URI:spiffe://x/y']);
    expect(info.spiffeId, 'two URI SANs: not an X.509-SVID').to.equal(undefined);
  });

  it('a SPIFFE ID is exactly one URI SAN with the spiffe scheme', () => {
    expect(spiffeIdOf(['DNS:a', 'URI:spiffe://td/svc'])).to.equal('spiffe://td/svc');
    expect(spiffeIdOf(['URI:https://td/svc'])).to.equal(undefined);
    expect(spiffeIdOf(['URI:spiffe://td/a', 'URI:spiffe://td/b'])).to.equal(undefined);
    expect(spiffeIdOf([])).to.equal(undefined);
  });

  it('fingerprints match openssl and the subject keeps certificate order', () => {
    const pki = testPki();
    const info = peerInfoFromChain([pki.cert('client').der, pki.cert('int').der])!;
    expect(info.chainFingerprints).to.deep.equal([pki.cert('client').fingerprint, pki.cert('int').fingerprint]);
    expect(info.spiffeId).to.equal('spiffe://tlsgate.test/client');
    expect(formatSubject('CN=a\nO=b\n')).to.equal('CN=a, O=b');
    expect(peerInfoFromChain([])).to.equal(undefined);
  });

  it('walks issuerCertificate links and stops at a self-reference', () => {
    const a = { raw: Buffer.from([1]) } as { raw: Buffer; issuerCertificate?: unknown };
    const b = { raw: Buffer.from([2]) } as { raw: Buffer; issuerCertificate?: unknown };
    a.issuerCertificate = b;
    b.issuerCertificate = b;
    expect(chainFromPeerCertificate(a as never).map((d) => d[0])).to.deep.equal([1, 2]);
    expect(chainFromPeerCertificate({} as never)).to.deep.equal([]);
    expect(chainFromPeerCertificate(null)).to.deep.equal([]);
  });
});
