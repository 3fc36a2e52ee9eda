/**
 * isWholeDerSequence, the cert cache's check of a stored certificate: every prefix of a real
 * certificate is refused, as Node's (OpenSSL's) parser refuses it; the whole one is taken; short-
 * and long-form lengths, and BER's indefinite length (which DER forbids), are read as DER says.
 */
import { expect } from 'chai';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isWholeDerSequence } from '../../ca/asn1/der-envelope.js';
import { pemBlocks } from '../../ca/asn1/pem-blocks.js';
import { packageRoot } from '../../harness/model/paths.js';

describe('ca/asn1/der-envelope: isWholeDerSequence', () => {
  const fixture = (): Buffer => {
    const text = readFileSync(join(packageRoot(), 'test', 'scenario', 'fixtures', 'pem', 'prod.pem'), 'utf8');
    return pemBlocks(text, 'CERTIFICATE')[0]!;
  };

  it('takes a whole certificate and refuses every prefix of it, as the OpenSSL parser does', () => {
    const der = fixture();
    expect(isWholeDerSequence(der)).to.equal(true);
    expect(() => new X509Certificate(der)).to.not.throw();
    for (let n = 0; n < der.length; n++) {
      const prefix = der.subarray(0, n);
      expect(isWholeDerSequence(prefix), `${n} of ${der.length} bytes`).to.equal(false);
      expect(() => new X509Certificate(prefix), `the oracle, ${n} bytes`).to.throw();
    }
  });

  it('refuses bytes after the element, another outer tag, and the indefinite length', () => {
    const der = fixture();
    expect(isWholeDerSequence(Buffer.concat([der, Buffer.from([0x00])]))).to.equal(false);
    expect(isWholeDerSequence(Buffer.concat([Buffer.from([0x31]), der.subarray(1)]))).to.equal(false);
    expect(isWholeDerSequence(Buffer.from([0x30, 0x80, 0x05, 0x00, 0x00, 0x00]))).to.equal(false);
  });

  it('reads short-form and long-form lengths', () => {
    expect(isWholeDerSequence(Buffer.from([0x30, 0x02, 0x05, 0x00]))).to.equal(true);
    expect(isWholeDerSequence(Buffer.from([0x30, 0x00]))).to.equal(true);
    const long = Buffer.concat([Buffer.from([0x30, 0x82, 0x01, 0x00]), Buffer.alloc(256)]);
    expect(isWholeDerSequence(long)).to.equal(true);
    expect(isWholeDerSequence(long.subarray(0, -1))).to.equal(false);
  });
});
