/**
 * A certificate is parsed once per process, by content: every scenario of a file that carries
 * PEM files (pki.files) shares one X509Certificate, and the loader's check shares it too.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsedCertificate } from '../../harness/model/parsed-certificates.js';
import { packageRoot } from '../../harness/model/paths.js';
import { loadPemFiles } from '../../harness/session/scenario-materials.js';

const fixture = (name: string) => join(packageRoot(), 'test', 'scenario', 'fixtures', 'pem', name);

describe('certificates parsed once per process', () => {
  it('two scenarios loading the same PEM file get the same parsed certificate', async () => {
    const files = { prod: { cert: fixture('prod.pem'), key: fixture('prod.key') } };
    const [first, second] = [await loadPemFiles(files), await loadPemFiles(files)];
    expect(second.certs.get('prod')!.x509).to.equal(first.certs.get('prod')!.x509);
    expect(first.certs.get('prod')!.x509).to.equal(parsedCertificate(first.certs.get('prod')!.der));
  });

  it('other content is another certificate (the cache is by content, not by path)', () => {
    const prod = readFileSync(fixture('prod.pem'), 'utf8');
    const END = '-----END CERTIFICATE-----';
    const second = readFileSync(fixture('two-certs.pem'), 'utf8').split(END)[1]!.trim() + `\n${END}\n`;
    expect(parsedCertificate(second).fingerprint256).not.to.equal(parsedCertificate(prod).fingerprint256);
    expect(parsedCertificate(`${prod}\n`)).not.to.equal(parsedCertificate(prod));
    expect(parsedCertificate(`${prod}\n`).fingerprint256).to.equal(parsedCertificate(prod).fingerprint256);
  });
});
