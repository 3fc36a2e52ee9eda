/** PEM blocks of one label out of a file's text (certificates of a bundle, CRLs concatenated), and one written. */

/** the DER of every `-----BEGIN <label>-----` block, in file order (text outside blocks is ignored) */
export function pemBlocks(text: string, label: string): Buffer[] {
  const re = new RegExp(`-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]*?)-----END ${label}-----`, 'g');
  return [...text.matchAll(re)].map((m) => Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64'));
}

/** DER as one PEM block: base64 in lines of 64, as OpenSSL and Node's X509Certificate write it */
export function pemBlock(der: Buffer, label: string): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
