/**
 * `pki.files`: a user's own certificates (and keys) in PEM files. Each problem a file can have
 * gets its own message, because each has a different fix: missing, not PEM, not a certificate,
 * several certificates in one file, a key that does not parse or is encrypted, a key that
 * belongs to another certificate.
 */
import { createPrivateKey, KeyObject, X509Certificate } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { PemFileRef } from '../../model/domain.js';
import { parsedCertificate } from '../../model/parsed-certificates.js';
import { finding, type Finding } from '../problems.js';
import { quote } from '../quote.js';
import { isRecord, type YamlPath } from '../yaml/yaml-path.js';
import type { KnownCerts } from './references.js';

/** a certificate or key file is a few KB; anything far larger is not one */
const MAX_PEM_BYTES = 1024 * 1024;
const CERT_BLOCK = /-----BEGIN CERTIFICATE-----/g;
const PRIVATE_KEY_BLOCK = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;
const SWAPPED_HINT = 'are cert and key swapped? cert: takes the certificate file, key: its private key';

export interface PemFilesResult {
  /** by id, paths made absolute; only entries whose shape is right */
  files: Record<string, PemFileRef>;
  findings: Finding[];
}

export async function checkPemFiles(root: unknown, scenarioFile: string, known: KnownCerts): Promise<PemFilesResult> {
  const folder = dirname(resolve(scenarioFile));
  const files: Record<string, PemFileRef> = {};
  const findings: Finding[] = [];
  for (const [id, written] of pemEntries(root)) {
    const path: YamlPath = ['pki', 'files', id];
    if (known.generated.has(id)) {
      findings.push({ path, at: 'key', message: `id ${quote(id)} is defined twice: in pki.certs and in pki.files`, hint: 'give one of them another id' });
    }
    const cert = { written: written.cert, absolute: resolve(folder, written.cert) };
    const key = written.key === undefined ? undefined : { written: written.key, absolute: resolve(folder, written.key) };
    files[id] = { cert: cert.absolute, ...(key ? { key: key.absolute } : {}) };
    findings.push(...(await checkEntry(cert, key, path)));
  }
  return { files, findings };
}

/** a path as the YAML writes it (for messages) and as resolved (to read it) */
interface FilePath {
  written: string;
  absolute: string;
}

/** entries with a string `cert` (and a string `key`, if any); other shapes are the schema's to report */
function pemEntries(root: unknown): Array<[string, { cert: string; key?: string }]> {
  const pki = isRecord(root) && isRecord(root.pki) ? root.pki : undefined;
  if (!pki || !isRecord(pki.files)) return [];
  return Object.entries(pki.files).flatMap(([id, entry]) => {
    if (!isRecord(entry) || typeof entry.cert !== 'string' || entry.cert === '') return [];
    if (entry.key !== undefined && (typeof entry.key !== 'string' || entry.key === '')) return [];
    return [[id, { cert: entry.cert, ...(typeof entry.key === 'string' ? { key: entry.key } : {}) }]];
  });
}

async function checkEntry(certFile: FilePath, keyFile: FilePath | undefined, path: YamlPath): Promise<Finding[]> {
  const certPath = [...path, 'cert'];
  const certText = readPem(certFile, certPath);
  if (typeof certText !== 'string') return [certText];
  const cert = parseCertificate(certText, certFile.written, certPath);
  if (!(cert instanceof X509Certificate)) return [cert];
  if (keyFile === undefined) return [];
  const keyPath = [...path, 'key'];
  const keyText = readPem(keyFile, keyPath);
  if (typeof keyText !== 'string') return [keyText];
  const key = parseKey(keyText, keyFile.written, keyPath);
  if (!(key instanceof KeyObject)) return [key];
  if (cert.checkPrivateKey(key)) return [];
  return [finding(keyPath, `${keyFile.written} is not the key of ${certFile.written}`, 'give the key file of this certificate (compare `openssl x509 -noout -pubkey` with `openssl pkey -pubout`)')];
}

/**
 * The file's text, or a finding saying why there is none. Read synchronously: a PEM file is a
 * few KB (at most MAX_PEM_BYTES), and 800 of them each through the thread pool left the loader
 * mostly idle, waiting.
 */
function readPem(file: FilePath, path: YamlPath): string | Finding {
  const where = `looked for ${file.absolute}; paths are relative to the folder of this scenario file`;
  let size: number;
  try {
    const info = statSync(file.absolute);
    if (!info.isFile()) return finding(path, `${file.written} is not a file`, where);
    size = info.size;
  } catch {
    return finding(path, `${file.written}: file not found`, where);
  }
  if (size > MAX_PEM_BYTES) return finding(path, `${file.written} is ${size} bytes; a PEM file is a few KB`, 'give the path of a single certificate or key');
  try {
    return readFileSync(file.absolute, 'utf8');
  } catch (err) {
    return finding(path, `${file.written}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

function parseCertificate(text: string, file: string, path: YamlPath): X509Certificate | Finding {
  const blocks = text.match(CERT_BLOCK)?.length ?? 0;
  if (blocks === 0) {
    if (PRIVATE_KEY_BLOCK.test(text)) return finding(path, `${file} holds a private key, not a certificate`, SWAPPED_HINT);
    return finding(path, `${file} is not a PEM certificate (no -----BEGIN CERTIFICATE----- line)`, 'convert DER with `openssl x509 -inform der -in cert.der -out cert.pem`');
  }
  if (blocks > 1) {
    return finding(path, `${file} holds ${blocks} certificates; give each its own id`, 'split the file, list each certificate under pki.files, and send intermediates with server.chain');
  }
  try {
    return parsedCertificate(text);
  } catch (err) {
    return finding(path, `${file} does not hold a valid certificate: ${(err as Error).message}`);
  }
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
