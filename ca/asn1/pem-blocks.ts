/** PEM blocks of one label out of a file's text: certificates of a bundle, CRLs concatenated. */

/** the DER of every `-----BEGIN <label>-----` block, in file order (text outside blocks is ignored) */
export function pemBlocks(text: string, label: string): Buffer[] {
  const re = new RegExp(`-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]*?)-----END ${label}-----`, 'g');
  return [...text.matchAll(re)].map((m) => Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64'));
}
