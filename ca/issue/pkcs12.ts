/**
 * PKCS#12 (PFX) client identity bundles, in the three encryptions real clients meet:
 *   - 'aes-256': what `openssl pkcs12 -export` of OpenSSL 3 writes: key and certificates under
 *     PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC), MAC HMAC-SHA256, 2048 iterations;
 *   - '3des': the OpenSSL 1.1 legacy form with `-descert`: pbeWithSHAAnd3-KeyTripleDES-CBC for the
 *     key and the certificates, MAC HMAC-SHA1. Node 20 still loads it;
 *   - 'rc2-40': the OpenSSL 1.x default: certificates under pbeWithSHAAnd40BitRC2-CBC, key under
 *     3DES, MAC HMAC-SHA1. OpenSSL 3 reads it only with the legacy provider, which Node >= 17 does
 *     not load, so Node refuses it (regression #4 of the catalogue).
 *
 * Library: node-forge, because it has every primitive a PFX needs beyond node:crypto:
 *   - `pki.encryptPrivateKeyInfo` encrypts *any* ASN.1 value (not only a key) with PBES2/AES or
 *     PKCS#12 PBE/3DES, so it also encrypts the certificate SafeContents;
 *   - the PKCS#12 KDF (`pkcs12.generateKey`), for the MAC key and for RC2-40;
 *   - an RC2 cipher: Node 20's OpenSSL has RC2 only in the legacy provider, which Node never loads.
 * Its `toPkcs12Asn1` takes forge RSA objects only, so the bags are assembled here, with forge's
 * ASN.1 builder, from the DER of any key type. pkijs does PBES2 only (no PKCS#12 PBE: no 3DES or
 * RC2 bags), and @peculiar/asn1-pfx is schemas only (every cipher and the KDF would be ours, and it
 * is not a direct dependency).
 */
import { createCipheriv, createHmac, createPrivateKey, pbkdf2Sync, randomBytes } from 'node:crypto';
import forge from 'node-forge';
import type { IssuedCert } from './materials.js';

export type Pkcs12Encryption = 'aes-256' | '3des' | 'rc2-40';

export interface Pkcs12Options {
  /** default 'aes-256' */
  encryption?: Pkcs12Encryption;
  /** written as the friendlyName attribute of the key and of the leaf certificate */
  friendlyName?: string;
}

type Asn1 = forge.asn1.Asn1;
type BagCipher = 'pbes2-aes-256' | 'pbe-sha1-3des' | 'pbe-sha1-rc2-40';
type MacDigest = 'sha256' | 'sha1';

interface Profile {
  readonly keyCipher: BagCipher;
  readonly certCipher: BagCipher;
  readonly mac: MacDigest;
}

const PROFILES: Readonly<Record<Pkcs12Encryption, Profile>> = {
  'aes-256': { keyCipher: 'pbes2-aes-256', certCipher: 'pbes2-aes-256', mac: 'sha256' },
  '3des': { keyCipher: 'pbe-sha1-3des', certCipher: 'pbe-sha1-3des', mac: 'sha1' },
  'rc2-40': { keyCipher: 'pbe-sha1-3des', certCipher: 'pbe-sha1-rc2-40', mac: 'sha1' },
};

/** OpenSSL's PKCS12_DEFAULT_ITER and PKCS5_SALT_LEN, used for every KDF here */
const ITERATIONS = 2048;
const SALT_BYTES = 8;

const { asn1 } = forge;
const { Class, Type } = asn1;
const oids = forge.pki.oids;

/** A DER PFX holding `cert` with its key (the key bag) and `chain` (certificates only). */
export async function pkcs12(
  cert: Pick<IssuedCert, 'der' | 'keyPem'>,
  chain: ReadonlyArray<Pick<IssuedCert, 'der'>>,
  passphrase: string,
  options: Pkcs12Options = {},
): Promise<Buffer> {
  const profile = PROFILES[options.encryption ?? 'aes-256'];
  // the same attributes on key and leaf: localKeyID pairs them for clients that match by it
  const identityAttributes = bagAttributes(cert.der, options.friendlyName);
  const certBags = [certBag(cert.der, identityAttributes), ...chain.map((c) => certBag(c.der, undefined))];
  const keyBag = shroudedKeyBag(cert.keyPem, passphrase, profile.keyCipher, identityAttributes);
  // OpenSSL's order: encrypted certificates first, then the (self-encrypted) key bag in plain Data
  const authenticatedSafe = asn1.toDer(sequence([
    encryptedDataContentInfo(sequence(certBags), passphrase, profile.certCipher),
    dataContentInfo(asn1.toDer(sequence([keyBag])).getBytes()),
  ])).getBytes();
  const pfx = sequence([
    integer(3),
    dataContentInfo(authenticatedSafe),
    macData(authenticatedSafe, passphrase, profile.mac),
  ]);
  return Buffer.from(asn1.toDer(pfx).getBytes(), 'binary');
}

function shroudedKeyBag(keyPem: string, passphrase: string, cipher: BagCipher, attributes: Asn1): Asn1 {
  // re-export through node:crypto: accepts any PEM form and gives canonical PKCS#8 for every key type
  const pkcs8 = createPrivateKey(keyPem).export({ type: 'pkcs8', format: 'der' });
  const { algorithm, ciphertext } = encrypt(asn1.fromDer(pkcs8.toString('binary')), passphrase, cipher);
  const encryptedPrivateKeyInfo = sequence([algorithm, octetString(ciphertext)]);
  return safeBag(oids['pkcs8ShroudedKeyBag']!, encryptedPrivateKeyInfo, attributes);
}

function certBag(der: Buffer, attributes: Asn1 | undefined): Asn1 {
  const value = sequence([oid(oids['x509Certificate']!), explicit0(octetString(der.toString('binary')))]);
  return safeBag(oids['certBag']!, value, attributes);
}

function safeBag(bagOid: string, value: Asn1, attributes: Asn1 | undefined): Asn1 {
  return sequence([oid(bagOid), explicit0(value), ...(attributes ? [attributes] : [])]);
}

function bagAttributes(leafDer: Buffer, friendlyName: string | undefined): Asn1 {
  // localKeyID = SHA-1 of the certificate, as OpenSSL and forge write it
  const localKeyId = forge.md.sha1.create().update(leafDer.toString('binary')).digest().getBytes();
  const attributes = [attribute(oids['localKeyId']!, octetString(localKeyId))];
  if (friendlyName !== undefined) {
    // forge writes a BMPSTRING value as UTF-16BE code units, which is what BMPString means
    attributes.unshift(attribute(oids['friendlyName']!, asn1.create(Class.UNIVERSAL, Type.BMPSTRING, false, friendlyName)));
  }
  return asn1.create(Class.UNIVERSAL, Type.SET, true, attributes);
}

const attribute = (type: string, value: Asn1): Asn1 =>
  sequence([oid(type), asn1.create(Class.UNIVERSAL, Type.SET, true, [value])]);

/** ContentInfo { data, [0] OCTET STRING } */
const dataContentInfo = (content: string): Asn1 => sequence([oid(oids['data']!), explicit0(octetString(content))]);

/** ContentInfo { encryptedData, [0] EncryptedData { 0, EncryptedContentInfo } } */
function encryptedDataContentInfo(safeContents: Asn1, passphrase: string, cipher: BagCipher): Asn1 {
  const { algorithm, ciphertext } = encrypt(safeContents, passphrase, cipher);
  const encryptedContentInfo = sequence([
    oid(oids['data']!),
    algorithm,
    asn1.create(Class.CONTEXT_SPECIFIC, 0, false, ciphertext), // [0] IMPLICIT OCTET STRING
  ]);
  return sequence([oid(oids['encryptedData']!), explicit0(sequence([integer(0), encryptedContentInfo]))]);
}

interface Encrypted {
  /** the AlgorithmIdentifier, with its salt, iterations (and IV) */
  readonly algorithm: Asn1;
  /** binary string */
  readonly ciphertext: string;
}

function encrypt(plaintext: Asn1, passphrase: string, cipher: BagCipher): Encrypted {
  if (cipher === 'pbe-sha1-rc2-40') return encryptRc240(plaintext, passphrase);
  if (cipher === 'pbes2-aes-256') return encryptPbes2Aes256(plaintext, passphrase);
  // the PKCS#12 KDF of the 3DES scheme takes the UTF-16 text itself: this is what OpenSSL 3 does too
  const encryptedPrivateKeyInfo = forge.pki.encryptPrivateKeyInfo(plaintext, passphrase, { algorithm: '3des', count: ITERATIONS, saltSize: SALT_BYTES });
  // EncryptedPrivateKeyInfo is exactly { AlgorithmIdentifier, OCTET STRING }: take it apart
  const [algorithm, ciphertext] = encryptedPrivateKeyInfo.value as Asn1[];
  return { algorithm: algorithm!, ciphertext: ciphertext!.value as string };
}

/**
 * PBES2 (RFC 8018 6.2) with PBKDF2-HMAC-SHA256 and AES-256-CBC, the parameters written as forge's
 * encryptPrivateKeyInfo writes them (salt, iterations, key length, PRF). The key derivation and
 * the cipher are node:crypto's: forge's PBKDF2 in JavaScript was 0.4 s of the catalogue's CPU
 * (two bags for each of its 8 PKCS#12 identities). PBKDF2 takes the passphrase as UTF-8 bytes.
 */
function encryptPbes2Aes256(plaintext: Asn1, passphrase: string): Encrypted {
  const salt = randomBytes(SALT_BYTES);
  const iv = randomBytes(AES_BLOCK_BYTES);
  const key = pbkdf2Sync(Buffer.from(passphrase, 'utf8'), salt, ITERATIONS, AES_256_KEY_BYTES, 'sha256');
  const aes = createCipheriv('aes-256-cbc', key, iv);
  const ciphertext = Buffer.concat([aes.update(Buffer.from(asn1.toDer(plaintext).getBytes(), 'binary')), aes.final()]);
  const prf = sequence([oid(oids['hmacWithSHA256']!), asn1.create(Class.UNIVERSAL, Type.NULL, false, '')]);
  const kdf = sequence([oid(oids['pkcs5PBKDF2']!), sequence([octetString(salt.toString('binary')), integer(ITERATIONS), integer(AES_256_KEY_BYTES), prf])]);
  const algorithm = sequence([oid(oids['pkcs5PBES2']!), sequence([kdf, sequence([oid(oids['aes256-CBC']!), octetString(iv.toString('binary'))])])]);
  return { algorithm, ciphertext: ciphertext.toString('binary') };
}

const AES_BLOCK_BYTES = 16;
const AES_256_KEY_BYTES = 32;

/** pbeWithSHAAnd40BitRC2-CBC (RFC 7292 C): forge can decrypt it but offers no encrypter */
function encryptRc240(plaintext: Asn1, passphrase: string): Encrypted {
  const salt = randomBytes(SALT_BYTES).toString('binary');
  const derive = (purpose: 1 | 2, length: number) =>
    forge.pkcs12.generateKey(passphrase, forge.util.createBuffer(salt), purpose, ITERATIONS, length);
  const rc2 = forge.rc2.createEncryptionCipher(derive(1, 5), 40);
  rc2.start(derive(2, 8));
  rc2.update(asn1.toDer(plaintext));
  rc2.finish();
  const algorithm = sequence([
    oid(oids['pbewithSHAAnd40BitRC2-CBC']!),
    sequence([octetString(salt), integer(ITERATIONS)]),
  ]);
  return { algorithm, ciphertext: rc2.output.getBytes() };
}

/** MacData: HMAC over the AuthenticatedSafe, keyed by the PKCS#12 KDF (purpose 3) */
function macData(authenticatedSafe: string, passphrase: string, digest: MacDigest): Asn1 {
  const salt = randomBytes(SALT_BYTES).toString('binary');
  const md = digest === 'sha256' ? forge.md.sha256.create() : forge.md.sha1.create();
  const macKey = forge.pkcs12.generateKey(passphrase, forge.util.createBuffer(salt), 3, ITERATIONS, md.digestLength, md);
  const mac = createHmac(digest, Buffer.from(macKey.getBytes(), 'binary'))
    .update(Buffer.from(authenticatedSafe, 'binary'))
    .digest('binary');
  const digestAlgorithm = sequence([oid(oids[digest]!), asn1.create(Class.UNIVERSAL, Type.NULL, false, '')]);
  return sequence([sequence([digestAlgorithm, octetString(mac)]), octetString(salt), integer(ITERATIONS)]);
}

const sequence = (items: Asn1[]): Asn1 => asn1.create(Class.UNIVERSAL, Type.SEQUENCE, true, items);
const oid = (dotted: string): Asn1 => asn1.create(Class.UNIVERSAL, Type.OID, false, asn1.oidToDer(dotted).getBytes());
const octetString = (bytes: string): Asn1 => asn1.create(Class.UNIVERSAL, Type.OCTETSTRING, false, bytes);
const integer = (n: number): Asn1 => asn1.create(Class.UNIVERSAL, Type.INTEGER, false, asn1.integerToDer(n).getBytes());
const explicit0 = (inner: Asn1): Asn1 => asn1.create(Class.CONTEXT_SPECIFIC, 0, true, [inner]);
