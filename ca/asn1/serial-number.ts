/**
 * Certificate serial numbers as hex text: canonical form, DER content octets, and what RFC 5280
 * allows. Plain code (no ASN.1 library), so scenario validation checks serials without loading one.
 */

/** the canonical serial hex: lowercase, whole bytes, no leading zero bytes ("00" for zero) */
export function canonicalSerialHex(hex: string): string {
  const lower = hex.toLowerCase();
  if (!/^[0-9a-f]+$/.test(lower)) throw new Error(`not a hex serial number: '${hex}'`);
  const digits = lower.replace(/^0+/, '');
  if (digits === '') return '00';
  return digits.length % 2 === 1 ? `0${digits}` : digits;
}

/**
 * The content octets of the DER INTEGER for a serial given in hex: minimal (leading zero bytes
 * dropped, OpenSSL refuses them as "illegal padding"), with a 00 in front when the top bit of
 * the first byte is set, so the value stays positive. The one serial encoder in tlsgate.
 */
export function serialContentOctets(hex: string): Buffer {
  const magnitude = Buffer.from(canonicalSerialHex(hex), 'hex');
  return magnitude[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), magnitude]) : magnitude;
}

/** RFC 5280 4.1.2.2: conforming CAs use at most 20 octets, counted as DER content octets */
export const MAX_SERIAL_OCTETS = 20;

/** why `hex` cannot be a certificate serial number (RFC 5280 4.1.2.2: positive, at most 20 octets) */
export function serialProblem(hex: string): string | undefined {
  if (!/^[0-9a-fA-F]+$/.test(hex)) return 'is not a hex number';
  if (/^0+$/.test(hex)) return 'is zero; a serial number must be positive';
  const octets = serialContentOctets(hex).length;
  if (octets > MAX_SERIAL_OCTETS) return `takes ${octets} octets in DER, over the ${MAX_SERIAL_OCTETS} RFC 5280 allows`;
  return undefined;
}
