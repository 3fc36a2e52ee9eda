/** PEM blocks of a bundle, in order, each with its DER. */
export interface PemBlock {
  pem: string;
  der: Buffer;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----\n?/g;

export function pemBlocks(bundle: string): PemBlock[] {
  return [...bundle.matchAll(BLOCK)].map((m) => {
    const pem = m[0].endsWith('\n') ? m[0] : `${m[0]}\n`;
    const body = pem.replace(/-----(BEGIN|END) [A-Z0-9 ]+-----/g, '').replace(/\s+/g, '');
    return { pem, der: Buffer.from(body, 'base64') };
  });
}
