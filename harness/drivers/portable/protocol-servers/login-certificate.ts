/**
 * Client certificates as the databases enforce them (PostgreSQL `clientcert=verify-ca`, MySQL and
 * MariaDB `REQUIRE X509`): the TLS layer asks for a certificate without requiring one; a
 * certificate presented must verify, or the connection ends without an answer (the product's
 * handshake fails); a missing one is refused at login, after the handshake, in the protocol's
 * own words.
 */
import type { TLSSocket } from 'node:tls';
import type { ServerObservation } from '../../../model/domain.js';
import type { ServerPlan } from '../types.js';
import { CLIENT_CERT_REQUIRED } from './protocol-codes.js';

/** the TLS plan: the certificate is requested, its absence left to the login */
export const certificateCheckedAtLogin = (plan: ServerPlan): ServerPlan => ({ ...plan, requireClientCert: false });

/** true when the login may go on; else the connection was refused (`refusal` is the protocol's error) and recorded */
export function loginCertificateAllowed(
  socket: TLSSocket,
  record: ServerObservation,
  plan: ServerPlan,
  refusal: { message: string; answer: Buffer },
): boolean {
  if (!plan.requireClientCert || socket.authorized) return true;
  if (record.clientCertPresented) {
    socket.destroy();
    return false;
  }
  record.errorCode = CLIENT_CERT_REQUIRED;
  record.errorMessage = refusal.message;
  socket.end(refusal.answer);
  return false;
}
