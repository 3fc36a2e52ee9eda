/**
 * `pki.files`: a team's own certificates (a single one or a bundle), keys and CRLs. Each problem
 * a file can have gets its own message, because each has a different fix: missing, not PEM, not
 * a certificate, a key that does not parse or is encrypted, a key that belongs to another
 * certificate, a CRL that does not parse or that no certificate of the files signed.
 * A bundle's certificates are `<id>` (the first), `<id>#2`, `<id>#3`… (harness/model/bundle-ids.ts).
 */
import { createPrivateKey, KeyObject, X509Certificate } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import * as asn1 from '@peculiar/asn1-x509';
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { subjectNameDer } from '../../../ca/asn1/certificate-name.js';
import { pemBlocks } from '../../../ca/asn1/pem-blocks.js';
import type { ReadCrl } from '../../../ca/revocation/crl-files.js';
import type { PemFileRef } from '../../model/domain.js';
import { parsedCertificate, signedBy } from '../../model/parsed-certificates.js';
import { bundleIds } from '../../model/bundle-ids.js';
import { finding, type Finding } from '../problems.js';
import { quote } from '../quote.js';
import { isRecord, type YamlPath } from '../yaml/yaml-path.js';
import type { KnownCerts } from './references.js';
import type { FilesCertFacts } from './files-authority.js';

/** a certificate or key file is a few KB; anything far larger is not one */
const MAX_PEM_BYTES = 1024 * 1024;
/** CRLs of real CAs are large (the same cap as a fetched one) */
const MAX_CRL_BYTES = 4 * 1024 * 1024;
const PRIVATE_KEY_BLOCK = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;
const SWAPPED_HINT = 'are cert and key swapped? cert: takes the certificate file, key: its private key';

export interface PemFilesResult {
  /** by id, paths made absolute; only entries whose shape is right */
  files: Record<string, PemFileRef>;
  /** every certificate id the files define (bundles expanded); entries that could not be read define their plain id */
  certIds: Set<string>;
  /** entries whose certificate file could not be read: any `<id>#n` is left alone (the file's problem is reported) */
  unread: Set<string>;
  /** per certificate id: its files issuer, whether tlsgate has its key, whether a CRL of it is given */
  facts: Map<string, FilesCertFacts>;
  findings: Finding[];
  /** every file read, with the bytes checked: the result holds only while they stay the same (the load cache) */
  reads: FileRead[];
}

/** a file a check read, and what it read */
export interface FileRead {
  absolute: string;
  bytes: Buffer;
}

export async function checkPemFiles(root: unknown, scenarioFile: string, known: KnownCerts): Promise<PemFilesResult> {
  const folder = dirname(resolve(scenarioFile));
  const result: PemFilesResult = { files: {}, certIds: new Set(), unread: new Set(), facts: new Map(), findings: [], reads: [] };
  const certs: X509Certificate[] = [];
  const byId = new Map<string, { cert: X509Certificate; hasKey: boolean }>();
  const crls: Array<{ path: YamlPath; file: string; crls: ReadCrl[] }> = [];
  for (const [id, written] of pemEntries(root)) {
    const path: YamlPath = ['pki', 'files', id];
    if (known.generated.has(id)) {
      result.findings.push({ path, at: 'key', message: `id ${quote(id)} is defined twice: in pki.certs and in pki.files`, hint: 'give one of them another id' });
    }
    const at = (p: string): FilePath => ({ written: p, absolute: resolve(folder, p) });
    const cert = written.cert === undefined ? undefined : at(written.cert);
    const key = written.key === undefined ? undefined : at(written.key);
    const crl = written.crl === undefined ? undefined : at(written.crl);
    result.files[id] = { ...(cert ? { cert: cert.absolute } : {}), ...(key ? { key: key.absolute } : {}), ...(crl ? { crl: crl.absolute } : {}) };
    if (!cert && !crl) {
      result.findings.push(finding(path, `pki.files.${id} names no file`, 'give cert: (a certificate or a bundle), crl: (a CRL file), or both'));
      continue;
    }
    if (!cert && key) result.findings.push(finding([...path, 'key'], 'a key needs its certificate', `add cert: <path> under pki.files.${id}`));
    if (cert) {
      const entry = await checkEntry(cert, key, path, result.reads);
      result.findings.push(...entry.findings);
      if (entry.certs) {
        certs.push(...entry.certs);
        bundleIds(id, entry.certs.length).forEach((certId, i) => {
          result.certIds.add(certId);
          byId.set(certId, { cert: entry.certs![i]!, hasKey: i === 0 && key !== undefined && entry.findings.length === 0 });
        });
      } else {
        result.certIds.add(id);
        result.unread.add(id);
      }
    }
    if (crl) {
      const read = await readCrlFile(crl, [...path, 'crl'], result.reads);
      if (Array.isArray(read)) crls.push({ path: [...path, 'crl'], file: crl.written, crls: read });
      else result.findings.push(read);
    }
  }
  const signed = crls.length > 0 ? (await crlFiles()).crlSignedBy : undefined;
  if (signed) for (const c of crls) result.findings.push(...unsignedCrlFindings(c, certs, signed));
  result.facts = factsOf(byId, crls.flatMap((c) => c.crls), signed);
  return result;
}

/** whether a CA signed a CRL (crl-files.ts) */
type CrlSignedBy = (crl: ReadCrl, ca: X509Certificate) => boolean;

/** CRL parsing (pkijs, asn1js) loads only for an entry that names a CRL file */
const crlFiles = () => import('../../../ca/revocation/crl-files.js');

function factsOf(byId: ReadonlyMap<string, { cert: X509Certificate; hasKey: boolean }>, crls: readonly ReadCrl[], signed: CrlSignedBy | undefined): Map<string, FilesCertFacts> {
  const facts = new Map<string, FilesCertFacts>();
  for (const [id, { cert, hasKey }] of byId) {
    const issuer = cert.checkIssued(cert) ? undefined
      : [...byId].find(([other, o]) => other !== id && cert.checkIssued(o.cert) && signedBy(cert, o.cert))?.[0];
    const hasCrl = signed !== undefined && crls.some((crl) => signed(crl, cert));
    facts.set(id, { issuer, hasKey, isCa: canIssue(cert), hasCrl });
  }
  return facts;
}

/** per certificate (parsedCertificate shares one per content): whether it can issue */
const issuing = new WeakMap<X509Certificate, boolean>();

/**
 * CA:true, and keyCertSign where a keyUsage is given (RFC 5280 4.2.1.3). Once per certificate:
 * the ASN.1 parse was most of loading files that copy one CA into every folder.
 */
function canIssue(cert: X509Certificate): boolean {
  let can = issuing.get(cert);
  if (can === undefined) {
    can = cert.ca && hasKeyCertSign(cert);
    issuing.set(cert, can);
  }
  return can;
}

function hasKeyCertSign(cert: X509Certificate): boolean {
  try {
    const ku = AsnConvert.parse(cert.raw, asn1.Certificate).tbsCertificate.extensions?.find((e) => e.extnID === asn1.id_ce_keyUsage);
    return !ku || AsnConvert.parse(ku.extnValue, asn1.KeyUsage).toJSON().includes('keyCertSign');
  } catch {
    return false;
  }
}

/** a path as the YAML writes it (for messages) and as resolved (to read it) */
interface FilePath {
  written: string;
  absolute: string;
}

/** entries whose paths are non-empty strings; other shapes are the schema's to report */
function pemEntries(root: unknown): Array<[string, { cert?: string; key?: string; crl?: string }]> {
  const pki = isRecord(root) && isRecord(root.pki) ? root.pki : undefined;
  if (!pki || !isRecord(pki.files)) return [];
  return Object.entries(pki.files).flatMap(([id, entry]) => {
    if (!isRecord(entry)) return [];
    const paths: { cert?: string; key?: string; crl?: string } = {};
    for (const k of ['cert', 'key', 'crl'] as const) {
      if (entry[k] === undefined) continue;
      if (typeof entry[k] !== 'string' || entry[k] === '') return [];
      paths[k] = entry[k];
    }
    return [[id, paths]];
  });
}

async function checkEntry(certFile: FilePath, keyFile: FilePath | undefined, path: YamlPath, reads: FileRead[]): Promise<{ certs?: X509Certificate[]; findings: Finding[] }> {
  const certPath = [...path, 'cert'];
  const certText = await readText(certFile, certPath, MAX_PEM_BYTES, reads);
  if (typeof certText !== 'string') return { findings: [certText] };
  const certs = parseCertificates(certText, certFile.written, certPath);
  if (!Array.isArray(certs)) return { findings: [certs] };
  if (keyFile === undefined) return { certs, findings: [] };
  const keyPath = [...path, 'key'];
  const keyText = await readText(keyFile, keyPath, MAX_PEM_BYTES, reads);
  if (typeof keyText !== 'string') return { certs, findings: [keyText] };
  const key = parseKey(keyText, keyFile.written, keyPath);
  if (!(key instanceof KeyObject)) return { certs, findings: [key] };
  if (certs[0]!.checkPrivateKey(key)) return { certs, findings: [] };
  const which = certs.length > 1 ? ` (the first certificate of ${certFile.written}; the key goes with the bundle's first)` : '';
  return { certs, findings: [finding(keyPath, `${keyFile.written} is not the key of ${certFile.written}${which}`, 'give the key file of this certificate (compare `openssl x509 -noout -pubkey` with `openssl pkey -pubout`)')] };
}

async function readCrlFile(file: FilePath, path: YamlPath, reads: FileRead[]): Promise<ReadCrl[] | Finding> {
  const bytes = await readBytes(file, path, MAX_CRL_BYTES, reads);
  if (!Buffer.isBuffer(bytes)) return bytes;
  const { crlsOf } = await crlFiles();
  try {
    return crlsOf(bytes);
  } catch (err) {
    return finding(path, `${file.written} is not a CRL file: ${(err as Error).message}`, 'give a CRL as `openssl ca -gencrl` writes it (PEM, several blocks allowed) or DER (`openssl crl -outform der`)');
  }
}

/** a CRL that no certificate of the files signed could be served for no CA: say which CA to add */
function unsignedCrlFindings(c: { path: YamlPath; file: string; crls: ReadCrl[] }, certs: readonly X509Certificate[], crlSignedBy: CrlSignedBy): Finding[] {
  return c.crls.flatMap((crl, i) => {
    const signer = certs.find((cert) => crlSignedBy(crl, cert));
    if (signer) return [];
    const which = c.crls.length > 1 ? `CRL ${i + 1} of ${c.file}` : c.file;
    const byName = certs.find((cert) => subjectNameDer(cert.raw).equals(crl.parsed.issuerDer));
    return [finding(c.path, byName
      ? `${which} names ${quote(byName.subject.replace(/\n/g, ', '))} as its issuer, but that certificate's key did not sign it`
      : `${which} was signed by a CA that is not under pki.files`,
    'add the certificate of the CA that signed this CRL under pki.files (tlsgate serves a CRL at the distribution points of the CA that signed it)')];
  });
}

/**
 * The file's bytes, or a finding saying why there are none. Read synchronously: a PEM file is a
 * few KB (at most MAX_PEM_BYTES), and 800 of them each through the thread pool left the loader
 * mostly idle, waiting. Each read is logged in `reads`.
 */
async function readBytes(file: FilePath, path: YamlPath, maxBytes: number, reads: FileRead[]): Promise<Buffer | Finding> {
  const where = `looked for ${file.absolute}; paths are relative to the folder of this scenario file`;
  let size: number;
  try {
    const info = statSync(file.absolute);
    if (!info.isFile()) return finding(path, `${file.written} is not a file`, where);
    size = info.size;
  } catch {
    return finding(path, `${file.written}: file not found`, where);
  }
  if (size > maxBytes) {
    return finding(path, `${file.written} is ${size} bytes; ${maxBytes === MAX_CRL_BYTES ? `tlsgate reads CRL files of at most ${maxBytes} bytes` : 'a PEM file is a few KB'}`, 'give the path of a certificate (or bundle) or a key');
  }
  try {
    const bytes = readFileSync(file.absolute);
    reads.push({ absolute: file.absolute, bytes });
    return bytes;
  } catch (err) {
    return finding(path, `${file.written}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

async function readText(file: FilePath, path: YamlPath, maxBytes: number, reads: FileRead[]): Promise<string | Finding> {
  const bytes = await readBytes(file, path, maxBytes, reads);
  return Buffer.isBuffer(bytes) ? bytes.toString('utf8') : bytes;
}

function parseCertificates(text: string, file: string, path: YamlPath): X509Certificate[] | Finding {
  const blocks = pemBlocks(text, 'CERTIFICATE');
  if (blocks.length === 0) {
    if (PRIVATE_KEY_BLOCK.test(text)) return finding(path, `${file} holds a private key, not a certificate`, SWAPPED_HINT);
    if (text.includes('-----BEGIN X509 CRL-----')) return finding(path, `${file} holds a CRL, not a certificate`, 'give it with crl: instead of cert:');
    return finding(path, `${file} is not a PEM certificate (no -----BEGIN CERTIFICATE----- line)`, 'convert DER with `openssl x509 -inform der -in cert.der -out cert.pem`');
  }
  const certs: X509Certificate[] = [];
  for (const [i, der] of blocks.entries()) {
    try {
      certs.push(parsedCertificate(der));
    } catch (err) {
      const which = blocks.length > 1 ? `certificate ${i + 1} of ${file}` : file;
      return finding(path, `${which} does not hold a valid certificate: ${(err as Error).message}`);
    }
  }
  return certs;
}

function parseKey(text: string, file: string, path: YamlPath): KeyObject | Finding {
  try {
    return createPrivateKey(text);
  } catch (err) {
    const reason = (err as Error).message;
    if (/passphrase|encrypted/i.test(reason) || /ENCRYPTED/.test(text)) {
      return finding(path, `${file} is an encrypted private key`, 'tlsgate needs it unencrypted: `openssl pkey -in key.pem -out plain.pem`');
    }
    if (/-----BEGIN CERTIFICATE-----/.test(text)) return finding(path, `${file} holds a certificate, not a private key`, SWAPPED_HINT);
    if (/-----BEGIN (?:RSA )?PUBLIC KEY-----/.test(text)) return finding(path, `${file} holds a public key, not a private key`, 'give the file with the -----BEGIN PRIVATE KEY----- block that belongs to the certificate');
    return finding(path, `${file} is not a PEM private key (${reason})`, 'expected a -----BEGIN PRIVATE KEY----- (or RSA/EC PRIVATE KEY) block');
  }
}
