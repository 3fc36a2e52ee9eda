/**
 * DER elements' envelopes (tag and length) read without parsing their contents: enough to tell a
 * whole certificate from a cut or padded one, or to find one field of a certificate by walking
 * its elements, for a fraction of what a full parse costs.
 */

/** one element: its tag byte, where its contents start, and where it ends (exclusive) */
export interface DerElement {
  tag: number;
  start: number;
  contentStart: number;
  end: number;
}

/**
 * The element at `offset` of `der`, within `limit` (the enclosing element's end); throws on what
 * DER forbids or a length past the limit. Tags are single bytes: high tag numbers (0x1f) are not
 * read, and X.509 uses none.
 */
export function derElement(der: Uint8Array, offset: number, limit = der.length): DerElement {
  if (offset + 2 > limit) throw new Error(`DER: no element at byte ${offset}`);
  const tag = der[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new Error(`DER: a multi-byte tag at byte ${offset}`);
  const first = der[offset + 1]!;
  let length = first;
  let contentStart = offset + 2;
  if (first >= 0x80) {
    const lengthBytes = first & 0x7f;
    // 0x80 is BER's indefinite length, which DER forbids; 4 length bytes cover 4 GiB
    if (lengthBytes === 0 || lengthBytes > 4) throw new Error(`DER: a length of ${lengthBytes === 0 ? 'indefinite' : `${lengthBytes} bytes`} at byte ${offset}`);
    if (contentStart + lengthBytes > limit) throw new Error(`DER: the length at byte ${offset} is cut short`);
    length = 0;
    for (let i = 0; i < lengthBytes; i++) length = length * 256 + der[contentStart + i]!;
    contentStart += lengthBytes;
  }
  const end = contentStart + length;
  if (end > limit) throw new Error(`DER: the element at byte ${offset} runs ${end - limit} bytes past its end`);
  return { tag, start: offset, contentStart, end };
}

/** whether `der` is exactly one SEQUENCE whose stated length is the rest of the buffer */
export function isWholeDerSequence(der: Uint8Array): boolean {
  try {
    const outer = derElement(der, 0);
    return outer.tag === 0x30 && outer.end === der.length;
  } catch {
    return false;
  }
}
