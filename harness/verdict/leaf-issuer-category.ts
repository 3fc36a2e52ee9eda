/**
 * OpenSSL has one code for "no usable issuer for the server's certificate":
 * UNABLE_TO_VERIFY_LEAF_SIGNATURE. It says that when the server left out the intermediate, when
 * the leaf was issued straight by a root the client does not trust, and when the issuer was right
 * there (sent by the server or in the trust store) but the leaf does not link to it: its issuer
 * name, authority key identifier or signature algorithm does not fit the issuer (OpenSSL's
 * `ossl_x509_likely_issued`). The harness knows which certificate issued the leaf and where it
 * was, so it can name the true category.
 */
import type { Category } from '../model/domain.js';

/** where the server certificate's issuer was during the handshake */
export type LeafIssuerPlacement =
  /** the server sent it, or the client trusted it: OpenSSL had it and could not link the leaf to it */
  | { readonly kind: 'sent' | 'trusted'; readonly issuer: string }
  /** a root the client does not trust; a server need not send roots */
  | { readonly kind: 'untrusted-root'; readonly issuer: string }
  /** an intermediate the server did not send */
  | { readonly kind: 'missing-intermediate'; readonly issuer: string }
  /** the harness does not know the issuer (a PEM file without its issuer, a self-issued leaf) */
  | { readonly kind: 'unknown' };

export const UNVERIFIABLE_LEAF = 'UNABLE_TO_VERIFY_LEAF_SIGNATURE';

export interface LeafRefusal {
  category: Category;
  /** why the category is not OpenSSL's literal reading, for the observation's warnings */
  note?: string;
}

/** the category of a client's UNABLE_TO_VERIFY_LEAF_SIGNATURE, given where the leaf's issuer was */
export function unverifiableLeafCategory(placement: LeafIssuerPlacement): LeafRefusal {
  switch (placement.kind) {
    case 'sent':
    case 'trusted':
      return {
        category: 'malformed-cert',
        note: `the leaf's issuer '${placement.issuer}' was ${placement.kind === 'sent' ? 'sent by the server' : 'in the trust store'}, `
          + 'yet OpenSSL could not link the leaf to it (issuer name, authority key identifier or signature algorithm): category malformed-cert',
      };
    case 'untrusted-root':
      return {
        category: 'untrusted-root',
        note: `the leaf was issued by the root '${placement.issuer}', which the client does not trust (servers need not send roots): category untrusted-root`,
      };
    default:
      return { category: 'incomplete-chain' };
  }
}
