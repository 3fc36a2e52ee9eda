/**
 * The certificate files `tlsgate lint` reads: files and folders as given (folders walked for
 * certificate-looking names), each read as PEM (any number of CERTIFICATE blocks: a bundle),
 * DER (one certificate) or PKCS#12 (with a passphrase). A file that cannot be read is a problem
 * naming the file (and line) and the fix: the command lists them all and exits 2.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import forge from 'node-forge';
import { errorMessage } from '../model/errors.js';
import { certFacts, type CertFacts } from './cert-facts.js';
import type { LintedFile } from './findings.js';

/** names a folder walk picks up; a file named on the command line is read whatever its name */
const CERT_EXTENSIONS = new Set(['.pem', '.crt', '.cer', '.der', '.cert', '.p12', '.pfx']);
const PKCS12_EXTENSIONS = new Set(['.p12', '.pfx']);
const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

export interface CertFile {
  file: string;
  format: LintedFile['format'];
  certs: CertFacts[];
}

export interface Passphrases {
  /** for PKCS#12 files with none of their own */
  fallback?: string;
  /** by resolved path */
  byFile: ReadonlyMap<string, string>;
}

export interface ReadResult {
  files: CertFile[];
  /** `file[:line]: what is wrong (the fix)` */
  problems: string[];
}

export async function readCertFiles(paths: readonly string[], passphrases: Passphrases): Promise<ReadResult> {
  const files: CertFile[] = [];
  const problems: string[] = [];
  for (const given of paths) {
    const found = await filesOf(given, problems);
    for (const { file, named } of found) {
      const read = await readCertFile(file, named, passphrases);
      if ('problem' in read) problems.push(read.problem);
      else if (read.file) files.push(read.file);
    }
  }
  return { files, problems };
}

interface Found {
  file: string;
  /** given on the command line (not found in a folder): it must hold a certificate */
  named: boolean;
}

async function filesOf(given: string, problems: string[]): Promise<Found[]> {
  const info = await stat(given).catch(() => undefined);
  if (!info) {
    problems.push(`${given}: no such file or folder (give certificate files or folders that hold them)`);
    return [];
  }
  if (!info.isDirectory()) return [{ file: given, named: true }];
  const entries = await readdir(given, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && CERT_EXTENSIONS.has(extname(e.name).toLowerCase()))
    .map((e) => join(e.parentPath, e.name))
    .sort()
    .map((file) => ({ file, named: false }));
}

type FileRead = { file?: CertFile } | { problem: string };

async function readCertFile(file: string, named: boolean, passphrases: Passphrases): Promise<FileRead> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    return { problem: `${file}: cannot read it: ${errorMessage(err)}` };
  }
  if (bytes.subarray(0, 64).toString('latin1').includes('-----BEGIN')) return readPem(file, bytes.toString('utf8'), named);
  if (PKCS12_EXTENSIONS.has(extname(file).toLowerCase())) return readPkcs12(file, bytes, passphrases);
  try {
    return { file: { file, format: 'der', certs: [certFacts(bytes, { index: 1 })] } };
  } catch {
    // not a DER certificate: a PKCS#12 file under another name?
    const asPkcs12 = readPkcs12(file, bytes, passphrases);
    return 'file' in asPkcs12 ? asPkcs12 : { problem: `${file}: neither PEM, a DER certificate nor PKCS#12 (lint certificates in PEM, DER or .p12/.pfx files)` };
  }
}

function readPem(file: string, text: string, named: boolean): FileRead {
  const certs: CertFacts[] = [];
  for (const block of text.matchAll(PEM_BLOCK)) {
    if (block[1] !== 'CERTIFICATE') continue;
    const line = text.slice(0, block.index).split('\n').length;
    try {
      certs.push(certFacts(Buffer.from(block[2]!.replace(/\s+/g, ''), 'base64'), { index: certs.length + 1, line }));
    } catch (err) {
      return { problem: `${file}:${line}: this CERTIFICATE block is not a certificate (${errorMessage(err)}); replace it with the certificate's PEM as issued` };
    }
  }
  if (certs.length > 0) return { file: { file, format: 'pem', certs } };
  // a key or CSR found in a folder is not ours to judge; one named on the command line was meant to hold certificates
  return named ? { problem: `${file}: holds no CERTIFICATE block (give the certificate or bundle file, not the key)` } : {};
}

function readPkcs12(file: string, bytes: Buffer, passphrases: Passphrases): FileRead {
  const passphrase = passphrases.byFile.get(resolve(file)) ?? passphrases.fallback;
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(bytes.toString('binary')));
    p12 = forge.pkcs12.pkcs12FromAsn1(asn1, true, passphrase ?? '');
  } catch (err) {
    const why = errorMessage(err);
    return {
      problem: /password|mac|decrypt/i.test(why)
        ? `${file}: cannot open this PKCS#12 file with ${passphrase === undefined ? 'no passphrase' : 'the passphrase given'} (${why}); pass --passphrase PASS, or --passphrase ${file}=PASS for this file`
        : `${file}: not a PKCS#12 file this lint can read (${why})`,
    };
  }
  const certBag = forge.pki.oids.certBag!;
  const bags = p12.getBags({ bagType: certBag })[certBag] ?? [];
  const certs: CertFacts[] = [];
  for (const bag of bags) {
    const asn1 = bag.cert ? forge.pki.certificateToAsn1(bag.cert) : bag.asn1;
    if (!asn1) continue;
    const der = Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
    certs.push(certFacts(der, { index: certs.length + 1 }));
  }
  if (certs.length === 0) return { problem: `${file}: this PKCS#12 file holds no certificate` };
  return { file: { file, format: 'pkcs12', certs: leafFirst(certs) } };
}

/** PKCS#12 bags have no order: put the one certificate that issues nothing here first */
function leafFirst(certs: CertFacts[]): CertFacts[] {
  const leaf = certs.find((c) => !c.isCa) ?? certs[0]!;
  return [leaf, ...certs.filter((c) => c !== leaf)].map((c, i) => ({ ...c, ref: { ...c.ref, index: i + 1 } }));
}
