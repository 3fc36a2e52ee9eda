/**
 * Client driver `grpc-js` (@grpc/grpc-js): one unary call on a `new grpc.Client(target,
 * credentials, options)`, credentials as grpc-js documents them: `credentials.createSsl(rootCerts,
 * privateKey, certChain, { checkServerIdentity })`; a PKCS#12 identity, versions or ciphers
 * (which createSsl cannot take) through `credentials.createFromSecureContext(tls.createSecureContext(...))`.
 * `library.targetNameOverride` is the channel option `grpc.ssl_target_name_override`;
 * `library.checkServerIdentity` sets verifyOptions.checkServerIdentity (`refuse` refuses every
 * certificate, so a scenario proves whether grpc-js calls it: grpc/grpc-node #2703, #2704).
 *
 * grpc-js resolves the target name itself, so `servername` must resolve to the server's
 * loopback address: `localhost` or an IP literal. A refusal is grpc's status name (`UNAVAILABLE`)
 * with its details, which carry the TLS cause; the taxonomy maps that message.
 * grpc-js keeps its TLS socket to itself: protocol and cipher are not observed (the server's
 * record of the handshake is).
 */
import { checkServerIdentity, createSecureContext, type PeerCertificate } from 'node:tls';
import type * as Grpc from '@grpc/grpc-js';
import { CODES } from '../../../model/codes.js';
import type { ClientObservation } from '../../../model/domain.js';
import { bounded, helloOptionsFromPlan, isIpLiteral, OK_BODY, targetOf } from '../../portable/client-common.js';
import type { ClientPlan } from '../../portable/types.js';
import { moduleExports, type LibraryClient } from '../library-driver.js';
import type { GrpcOptions } from './http-options.js';
import { unsupported } from './unsupported.js';

const METHOD = '/tlsgate.Echo/Ping';
const identity = (b: Buffer): Buffer => b;

/** the Error a refusing checkServerIdentity returns, worded as Node's own (grpc-js keeps only the message) */
const refusedIdentity = (host: string): Error & { code: string } =>
  Object.assign(new Error(`Hostname/IP does not match certificate's altnames: refused for ${host} by checkServerIdentity (library.checkServerIdentity: refuse)`), { code: 'ERR_TLS_CERT_ALTNAME_INVALID' });

function verifyOptions(plan: ClientPlan, options: GrpcOptions): Grpc.VerifyOptions {
  const target = targetOf(plan);
  if (options.checkServerIdentity === 'refuse') return { checkServerIdentity: (host: string) => refusedIdentity(host) };
  if (options.checkServerIdentity === 'node') return { checkServerIdentity: (host: string, cert: PeerCertificate) => checkServerIdentity(host, cert) };
  return target.checkServerIdentity ? { checkServerIdentity: target.checkServerIdentity as NonNullable<Grpc.VerifyOptions['checkServerIdentity']> } : {};
}

function credentials(grpc: typeof Grpc, plan: ClientPlan, options: GrpcOptions): Grpc.ChannelCredentials {
  const verify = verifyOptions(plan, options);
  const ca = plan.caPem ? Buffer.from(plan.caPem.join('')) : null;
  const needsContext = plan.pfxBase64 || plan.minVersion || plan.maxVersion || plan.ciphers || plan.ecdhCurve;
  if (!needsContext) {
    const key = plan.keyPem ? Buffer.from(plan.keyPem) : null;
    const cert = plan.certChainPem ? Buffer.from(plan.certChainPem) : null;
    return grpc.credentials.createSsl(ca, key, cert, verify);
  }
  const { requestOCSP: _unused, ALPNProtocols: _h2Only, ...hello } = helloOptionsFromPlan(plan) as Record<string, unknown>;
  const context = createSecureContext({
    ...hello,
    ...(plan.caPem ? { ca: plan.caPem } : {}),
    ...(plan.certChainPem ? { cert: plan.certChainPem, key: plan.keyPem } : {}),
    ...(plan.pfxBase64 ? { pfx: Buffer.from(plan.pfxBase64, 'base64'), passphrase: plan.passphrase } : {}),
  });
  return grpc.credentials.createFromSecureContext(context, verify);
}

function targetName(plan: ClientPlan): string | undefined {
  const target = targetOf(plan);
  if (isIpLiteral(plan.servername)) return `${target.urlHost}:${plan.port}`;
  if (plan.servername === 'localhost') return `localhost:${plan.port}`;
  return undefined;
}

export const client: LibraryClient = {
  async connect(library, plan, _hooks, signal) {
    const grpc = moduleExports<typeof Grpc>(library.module);
    const options = (plan.library ?? {}) as GrpcOptions;
    const target = targetName(plan);
    if (!target) return unsupported(`grpc-js resolves ${plan.servername} itself and cannot be pointed at loopback: use servername localhost or an IP literal (and library.targetNameOverride for another name)`);
    let creds: Grpc.ChannelCredentials;
    try {
      creds = credentials(grpc, plan, options);
    } catch (err) {
      const e = err as { code?: string; message?: string };
      return { outcome: 'rejected', code: e.code ?? CODES.configError, message: String(e.message) };
    }
    const channelOptions: Grpc.ChannelOptions = {
      ...(options.targetNameOverride ? { 'grpc.ssl_target_name_override': options.targetNameOverride, 'grpc.default_authority': options.targetNameOverride } : {}),
    };
    const grpcClient = new grpc.Client(target, creds, channelOptions);
    return bounded<ClientObservation>({
      timeoutMs: plan.timeoutMs,
      signal,
      onTimeout: () => ({ outcome: 'rejected', code: CODES.timeout, message: `no RPC answer within ${plan.timeoutMs} ms` }),
      cleanup: () => grpcClient.close(),
    }, (bound) => {
      grpcClient.makeUnaryRequest(METHOD, identity, identity, Buffer.from('tlsgate-ping'), new grpc.Metadata(), { deadline: Date.now() + plan.timeoutMs }, (err, value) => {
        if (err) return bound.settle({ outcome: 'rejected', code: grpc.status[err.code] ?? String(err.code), message: err.details || err.message });
        const text = value?.toString('latin1') ?? '';
        bound.settle(text === OK_BODY ? { outcome: 'accepted' } : { outcome: 'rejected', code: CODES.unexpectedResponse, message: `unexpected RPC answer ${JSON.stringify(text.slice(0, 80))}` });
      });
    });
  },
};
