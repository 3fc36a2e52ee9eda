/**
 * A team's PKI made with the openssl CLI only, as a new user would: `openssl req` for the root,
 * `openssl ca` (with its index.txt) for the leaves, `openssl ca -revoke` and `-gencrl` for the
 * CRL. The leaves' CRL distribution point and AIA name hosts that do not resolve
 * (*.acme.example): only tlsgate's routing can reach them.
 */
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { opensslOk } from '../ca/helpers.js';

export const CRL_URL = 'http://crl.acme.example/root.crl';
export const OCSP_URL = 'http://ocsp.acme.example/';
export const INT_KEY_ID = '0A:CE:0F:7E:A0:00:00:00:00:00:00:00:00:00:00:00:00:00:00:13';

const CA_CONFIG = `
[ ca ]
default_ca = acme
[ acme ]
dir = .
database = index.txt
new_certs_dir = newcerts
serial = serial
crlnumber = crlnumber
default_md = sha256
default_days = 30
default_crl_days = 7
policy = any
copy_extensions = none
unique_subject = no
[ any ]
commonName = supplied
[ leaf ]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth,clientAuth
subjectAltName = DNS:api.acme.example
crlDistributionPoints = URI:${CRL_URL}
authorityInfoAccess = OCSP;URI:${OCSP_URL},caIssuers;URI:http://pki.acme.example/root.cer
[ root ]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[ int ]
basicConstraints = critical,CA:true,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
# a key identifier that is not the key's hash: what signs under it must copy it from the certificate
subjectKeyIdentifier = ${INT_KEY_ID}
authorityKeyIdentifier = keyid
crlDistributionPoints = URI:${CRL_URL}
`;

/** a folder holding root.pem/.key, api.pem/.key (good), revoked.pem/.key (revoked in index.txt) and root.crl */
export async function makeOpensslPki(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'tlsgate-openssl-pki-'));
  const cwd = { cwd: dir };
  writeFileSync(join(dir, 'ca.cnf'), CA_CONFIG);
  mkdirSync(join(dir, 'newcerts'));
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '1000\n');
  writeFileSync(join(dir, 'crlnumber'), '1000\n');
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  await opensslOk(['req', '-x509', ...ec, '-keyout', 'root.key', '-out', 'root.pem', '-subj', '/CN=Acme Test Root', '-days', '30', '-config', 'ca.cnf', '-extensions', 'root'], cwd);
  const ca = ['-config', 'ca.cnf', '-cert', 'root.pem', '-keyfile', 'root.key'];
  for (const name of ['api', 'revoked']) {
    await opensslOk(['req', '-new', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', '/CN=api.acme.example'], cwd);
    await opensslOk(['ca', '-batch', ...ca, '-extensions', 'leaf', '-in', `${name}.csr`, '-out', `${name}.pem`, '-notext'], cwd);
  }
  await opensslOk(['ca', ...ca, '-revoke', 'revoked.pem', '-crl_reason', 'keyCompromise'], cwd);
  await opensslOk(['ca', ...ca, '-gencrl', '-out', 'root.crl'], cwd);
  return dir;
}

/**
 * Adds to a makeOpensslPki folder the team's test intermediate, int.pem/int.key (issued by the
 * root with `openssl ca`, its subjectKeyIdentifier INT_KEY_ID), and other-root.pem, a root
 * that issued nothing here.
 */
export async function addOpensslIntermediate(dir: string): Promise<void> {
  const cwd = { cwd: dir };
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  await opensslOk(['req', '-new', ...ec, '-keyout', 'int.key', '-out', 'int.csr', '-subj', '/CN=Acme Test Intermediate'], cwd);
  await opensslOk(['ca', '-batch', '-config', 'ca.cnf', '-cert', 'root.pem', '-keyfile', 'root.key', '-extensions', 'int', '-in', 'int.csr', '-out', 'int.pem', '-notext'], cwd);
  await opensslOk(['req', '-x509', ...ec, '-keyout', 'other-root.key', '-out', 'other-root.pem', '-subj', '/CN=Other Root', '-days', '30', '-config', 'ca.cnf', '-extensions', 'root'], cwd);
}
