/**
 * What the HTTP-family drivers (axios, got, node-fetch) share: the plan's TLS options as the
 * `https.Agent` options their documentation tells users to build (a OneShotAgent: an
 * https.Agent that also records the TLS socket and runs the after-handshake hook), the URL, the
 * proxy, and one GET judged by the wire protocol's answer (status 200, body `tlsgate-ok`).
 *
 * Behind a proxy the library tunnels through its own agent (axios: https-proxy-agent), so the
 * origin's TLS socket is not recorded: the verdict still comes from the HTTP answer.
 */
import type { AgentOptions } from 'node:https';
import type { ConnectionOptions } from 'node:tls';
import { CODES } from '../../../model/codes.js';
import type { ClientObservation } from '../../../model/domain.js';
import {
  bounded, errorFacts, OK_BODY, rejection, targetOf, targetTlsOptions, timeoutMessage, tlsOptionsFromPlan, type Target,
} from '../../portable/client-common.js';
import { OneShotAgent } from '../../portable/node/node-https-client.js';
import type { ClientHooks, ClientPlan } from '../../portable/types.js';

export interface HttpAnswer {
  status: number;
  body: string;
}

export interface HttpRequestContext {
  /** https://<servername or host>:<port>/ */
  url: string;
  target: Target;
  /** the plan's TLS options, as tls.connect / https.Agent options (rejectUnauthorized only when the scenario sets it) */
  tls: ConnectionOptions;
  /** an https.Agent built with `tls` (and the name lookup), recording its socket */
  agent: OneShotAgent;
  /** aborts the request when the time bound or the run ends */
  signal: AbortSignal;
}

/**
 * The plan's TLS options for a library: Node's own (trust, identity, PKCS#12, versions,
 * ciphers, ALPN), with `rejectUnauthorized` left to the library's default unless
 * `client.library.rejectUnauthorized` sets it, so the scenario tests what a user's code does.
 */
export function libraryTlsOptions(plan: ClientPlan): ConnectionOptions {
  const { rejectUnauthorized: _alwaysOn, ...options } = tlsOptionsFromPlan(plan);
  const given = plan.library?.rejectUnauthorized;
  return typeof given === 'boolean' ? { ...options, rejectUnauthorized: given } : options;
}

/** the origin's anchors plus the TLS proxy's, as one `ca` (a library has one trust list for both legs) */
export function withProxyAnchors(tls: ConnectionOptions, plan: ClientPlan): ConnectionOptions {
  const proxyCa = plan.proxy?.caPem;
  if (!proxyCa) return tls;
  const ca = [...((tls.ca as string[] | undefined) ?? []), ...proxyCa];
  return { ...tls, ca };
}

export function httpUrl(target: Target, plan: ClientPlan, scheme = 'https'): string {
  return `${scheme}://${target.urlHost}:${plan.port}/`;
}

/** one GET through `send`, bounded by the plan's timeout; every agent and socket closed after */
export function httpExchange(
  plan: ClientPlan,
  hooks: ClientHooks,
  signal: AbortSignal,
  send: (ctx: HttpRequestContext) => Promise<HttpAnswer>,
): Promise<ClientObservation> {
  const target = targetOf(plan);
  const tls = withProxyAnchors(libraryTlsOptions(plan), plan);
  const agent = new OneShotAgent(plan, hooks, { ...tls, ...targetTlsOptions(target) } as AgentOptions);
  const aborter = new AbortController();
  const rejected = (code: string | undefined, message: string) => rejection(agent.recorder, code, message);
  return bounded<ClientObservation>({
    timeoutMs: plan.timeoutMs,
    signal,
    onTimeout: () => rejected(CODES.timeout, timeoutMessage(plan.timeoutMs, agent.recorder?.handshakeDone ?? false)),
    cleanup: () => {
      aborter.abort();
      agent.socket?.destroy();
      agent.destroy();
    },
  }, (bound) => {
    send({ url: httpUrl(target, plan), target, tls, agent, signal: aborter.signal })
      .then(({ status, body }) => {
        if (status === 200 && body === OK_BODY) return bound.settle(agent.recorder ? agent.recorder.accepted() : { outcome: 'accepted' });
        bound.settle(rejected(CODES.unexpectedResponse, `unexpected answer: HTTP ${status} ${JSON.stringify(body.slice(0, 80))}`));
      })
      .catch((err: unknown) => {
        if (agent.refusal && !agent.refusal.allow) return bound.settle(rejected(agent.refusal.code, agent.refusal.message));
        const { code, message } = errorFacts(err);
        bound.settle(rejected(code, message));
      });
  });
}

/** a proxy URL split the way libraries' `proxy` objects want it */
export function proxyParts(plan: ClientPlan): { protocol: 'http' | 'https'; host: string; port: number } | undefined {
  if (!plan.proxy) return undefined;
  return { protocol: plan.proxy.url.startsWith('https:') ? 'https' : 'http', host: plan.proxy.host, port: plan.proxy.port };
}
