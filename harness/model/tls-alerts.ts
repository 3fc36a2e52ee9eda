/**
 * TLS alerts as OpenSSL names them in error codes and messages. OpenSSL 3.0 spells a received
 * alert `ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE` / "sslv3 alert handshake failure" (or TLSV1_,
 * TLSV13_); OpenSSL 3.2 and later (Node 22, 24) spell every one `ERR_SSL_SSL/TLS_ALERT_...` /
 * "ssl/tls alert ...". The alert itself is the stable part: `handshake_failure`.
 * Standard library only: the drivers (which run inside any Node under test) use it too.
 */

const CODE = /^ERR_SSL_(?:SSLV3|TLSV1|TLSV13|SSL\/TLS)_ALERT_(.+)$/;
const MESSAGE = /\b(?:sslv3|tlsv1|tlsv13|ssl\/tls) alert ([a-z ]+?)(?: \(|:|$)/i;

/** `handshake_failure` for any spelling of that alert in a code, else undefined */
export function alertInCode(code: string | undefined): string | undefined {
  const m = code?.match(CODE);
  return m ? m[1]!.toLowerCase() : undefined;
}

/** the alert named in a code or, failing that, in a message (https reports `EPROTO` + text) */
export function alertIn(code: string | undefined, message?: string): string | undefined {
  const fromCode = alertInCode(code);
  if (fromCode) return fromCode;
  const fromMessage = message?.match(MESSAGE);
  return fromMessage ? fromMessage[1]!.trim().toLowerCase().replace(/ /g, '_') : undefined;
}
