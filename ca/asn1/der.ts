/**
 * Strict DER input for the CRL and OCSP parsers. asn1js decodes BER leniently (indefinite
 * lengths, padded lengths and integers, constructed strings, trailing bytes all pass), so a
 * responder that trusted it alone would answer requests OpenSSL itself refuses. Every parser
 * here goes through `parseDer`, which also makes the round-trip tests a DER check of our output.
 */
import * as asn1js from 'asn1js';

/** universal tags that DER encodes constructed: SEQUENCE and SET */
const CONSTRUCTED_UNIVERSAL_TAGS = new Set([16, 17]);

const minimalLengthOctets = (length: number): number => (length < 128 ? 1 : 1 + Math.ceil(length.toString(16).length / 2));

/** DER integers carry no redundant leading 00 or ff octet */
function isMinimalInteger(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return false;
  if (bytes.length === 1) return true;
  return !((bytes[0] === 0x00 && bytes[1]! < 0x80) || (bytes[0] === 0xff && bytes[1]! >= 0x80));
}

/** the first DER rule `block` (or a descendant) breaks, or undefined */
function derViolation(block: asn1js.BaseBlock): string | undefined {
  const { idBlock, lenBlock } = block;
  if (lenBlock.isIndefiniteForm) return 'indefinite length';
  if (lenBlock.longFormUsed && lenBlock.blockLength !== minimalLengthOctets(lenBlock.length)) return 'non-minimal length';
  if (idBlock.tagClass === 1 && idBlock.isConstructed && !CONSTRUCTED_UNIVERSAL_TAGS.has(idBlock.tagNumber)) {
    return `constructed encoding of universal tag ${idBlock.tagNumber}`;
  }
  if (block instanceof asn1js.Integer && !isMinimalInteger(block.valueBlock.valueHexView)) return 'non-minimal INTEGER';
  if (block instanceof asn1js.Boolean) {
    const bytes = block.valueBlock.valueHexView;
    if (bytes.length !== 1 || (bytes[0] !== 0x00 && bytes[0] !== 0xff)) return 'BOOLEAN not 00 or ff';
  }
  if (!idBlock.isConstructed) return undefined;
  for (const child of (block as asn1js.Constructed).valueBlock.value) {
    const problem = derViolation(child);
    if (problem) return problem;
  }
  return undefined;
}

/** asn1js's own decoding limits (depth, node count, content length) */
export type DecodeLimits = Pick<asn1js.FromBerOptions, 'maxDepth' | 'maxNodes' | 'maxContentLength'>;

/** decodes exactly one DER element filling `bytes`; throws an Error naming `what` otherwise */
export function parseDer(bytes: Uint8Array, what: string, limits: DecodeLimits = {}): asn1js.AsnType {
  if (bytes.length === 0) throw new Error(`${what}: empty input`);
  const { offset, result } = asn1js.fromBER(bytes, limits);
  if (offset === -1) throw new Error(`${what}: not ASN.1 (${result.error || 'decoding failed'})`);
  if (offset !== bytes.length) throw new Error(`${what}: ${bytes.length - offset} trailing byte(s) after the DER element`);
  const problem = derViolation(result as asn1js.BaseBlock);
  if (problem) throw new Error(`${what}: not DER (${problem})`);
  return result;
}

/** builds a pkijs object from strict DER, turning pkijs's schema errors into one clear message */
export function pkijsFromDer<T>(bytes: Uint8Array, what: string, make: (schema: asn1js.AsnType) => T, limits: DecodeLimits = {}): T {
  const schema = parseDer(bytes, what, limits);
  try {
    return make(schema);
  } catch (e) {
    throw new Error(`${what}: DER does not match the ASN.1 structure (${(e as Error).message})`);
  }
}

export const toDer = (value: { toBER(): ArrayBuffer }): Buffer => Buffer.from(value.toBER());
