/**
 * Key-exchange group names in one spelling. Node reports the group of a full handshake with
 * OpenSSL's short names (`X25519`, `prime256v1`, `secp384r1`), while other paths use the TLS
 * names (Node 24 says `x25519` on a resumed TLS 1.2 session; OpenSSL 3.2+ `secp256r1`) and
 * users write the NIST ones (`P-256`). Observations and expectations compare in the first
 * spelling, the one the catalogue uses.
 */
const CANONICAL: Readonly<Record<string, string>> = {
  x25519: 'X25519',
  x448: 'X448',
  prime256v1: 'prime256v1',
  secp256r1: 'prime256v1',
  'p-256': 'prime256v1',
  secp384r1: 'secp384r1',
  'p-384': 'secp384r1',
  secp521r1: 'secp521r1',
  'p-521': 'secp521r1',
};

/** the canonical spelling of a group name; names it does not know stay as given */
export const canonicalGroup = (name: string): string => CANONICAL[name.toLowerCase()] ?? name;

/**
 * The group of this connection's key exchange. A resumed TLS 1.2 session exchanges no key (it
 * reuses the master secret), whatever a library reports from the original session; a resumed
 * TLS 1.3 session does one (psk_dhe_ke, the only mode Node offers).
 */
export function keyExchangeGroup(reported: { group?: string | undefined; protocol?: string | undefined; sessionReused?: boolean | undefined }): string | undefined {
  if (reported.group === undefined || reported.group === '') return undefined;
  if (reported.sessionReused && reported.protocol !== 'TLSv1.3') return undefined;
  return canonicalGroup(reported.group);
}
