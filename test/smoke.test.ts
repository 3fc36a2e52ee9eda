import { expect } from 'chai';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import * as pkijs from 'pkijs';

describe('toolchain', () => {
  it('loads @peculiar/x509 and pkijs under strict ESM', () => {
    expect(typeof x509.X509CertificateGenerator.createSelfSigned).to.equal('function');
    expect(typeof pkijs.OCSPResponse).to.equal('function');
  });
});
