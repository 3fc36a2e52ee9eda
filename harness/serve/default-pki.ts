/** The PKI `tlsgate serve` issues when no spec is given: enough to try every revocation path. */
import type { PkiSpec } from '../../ca/spec/spec.js';

const pointers = { crlDistributionPoints: 'auto', ocsp: 'auto', caIssuers: 'auto' } as const;

export const DEFAULT_PKI: PkiSpec = {
  certs: [
    { id: 'root', role: 'root', subject: 'CN=tlsgate serve Root,O=tlsgate' },
    { id: 'intermediate', role: 'intermediate', issuer: 'root', subject: 'CN=tlsgate serve Intermediate,O=tlsgate', ...pointers },
    { id: 'good-server', role: 'server', issuer: 'intermediate', subject: 'CN=localhost', san: { dns: ['localhost'], ip: ['127.0.0.1', '::1'] }, ...pointers },
    { id: 'revoked-server', role: 'server', issuer: 'intermediate', subject: 'CN=localhost', san: { dns: ['localhost'], ip: ['127.0.0.1', '::1'] }, ...pointers },
    { id: 'good-client', role: 'client', issuer: 'intermediate', subject: 'CN=tlsgate good client,O=tlsgate', ...pointers },
    { id: 'revoked-client', role: 'client', issuer: 'intermediate', subject: 'CN=tlsgate revoked client,O=tlsgate', ...pointers },
  ],
  revoked: [
    { cert: 'revoked-server', reason: 'keyCompromise' },
    { cert: 'revoked-client', reason: 'keyCompromise' },
  ],
};
