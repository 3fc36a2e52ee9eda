/**
 * The outermost DER element's envelope, read without parsing its contents: enough to tell a
 * whole certificate (or CRL) from a cut or padded one, for a fraction of a full parse.
 */

/** whether `der` is exactly one SEQUENCE whose stated length is the rest of the buffer */
export function isWholeDerSequence(der: Buffer): boolean {
  if (der.length < 2 || der[0] !== 0x30) return false;
  const first = der[1]!;
  if (first < 0x80) return der.length === 2 + first;
  const lengthBytes = first & 0x7f;
  // 0x80 is BER's indefinite length, which DER forbids; 4 length bytes cover 4 GiB
  if (lengthBytes === 0 || lengthBytes > 4 || der.length < 2 + lengthBytes) return false;
  let length = 0;
  for (let i = 0; i < lengthBytes; i++) length = length * 256 + der[2 + i]!;
  return der.length === 2 + lengthBytes + length;
}
