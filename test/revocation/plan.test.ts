/**
 * The revocation plan hands back what it found instead of filling arrays shared between the plan
 * and its hook: planning returns its findings, every after-handshake check returns its own, and
 * nothing the caller holds changes behind its back.
 */
import { expect } from 'chai';
import { createServer } from 'node:net';
import { issuePki } from '../../ca/issue/factory.js';
import type { HandshakeFacts } from '../../harness/drivers/portable/types.js';
import { planClientRevocation } from '../../harness/session/revocation/plan.js';
import { combineFindings } from '../../harness/session/revocation/findings.js';

/** a loopback port nobody listens on: a CRL there is unavailable at once */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

describe('revocation plan: findings are returned, not shared', function () {
  this.timeout(20_000);
  let leafDer: Buffer;
  let rootDer: Buffer;

  before(async () => {
    const port = await closedPort();
    const m = await issuePki({
      certs: [
        { id: 'root', role: 'root', subject: 'CN=plan root' },
        { id: 'leaf', role: 'server', issuer: 'root', subject: 'CN=localhost', san: { dns: ['localhost'] }, crlDistributionPoints: [`http://127.0.0.1:${port}/root.crl`] },
      ],
    });
    [leafDer, rootDer] = [m.get('leaf').der, m.get('root').der];
  });

  const facts = (): HandshakeFacts => ({ peerChainDer: [leafDer], staple: null, protocol: 'TLSv1.3' });

  it('crl, soft-fail: planning returns the failed CRL fetch and the warning; each hook call returns only its own', async () => {
    const plan = await planClientRevocation({ config: { mode: 'crl', failure: 'soft' }, serverChainDer: [leafDer], anchorsDer: [rootDer] }, new AbortController().signal);
    expect(plan.crlPem).to.equal(undefined);
    expect(plan.found.checks.map((c) => [c.source, c.result])).to.deep.equal([['crl', 'unavailable']]);
    expect(plan.found.warnings).to.have.length(1).and.to.match(/^soft-fail: no usable CRL/);
    const before = structuredClone(plan.found);
    const first = await plan.afterHandshake!(facts());
    const second = await plan.afterHandshake!(facts());
    expect(first.decision).to.deep.equal({ allow: true });
    expect(first.checks).to.deep.equal([]);
    expect(first.warnings).to.not.be.empty;
    for (const w of first.warnings) expect(w).to.match(/^soft-fail/);
    expect(second).to.deep.equal(first);
    expect(plan.found).to.deep.equal(before);
    // what the observation carries: planning first, then the connection's check
    expect(combineFindings(plan.found, first).warnings).to.deep.equal([...before.warnings, ...first.warnings]);
  });

  it('crl, hard-fail: the missing CRL refuses after the handshake', async () => {
    const plan = await planClientRevocation({ config: { mode: 'crl', failure: 'hard' }, serverChainDer: [leafDer], anchorsDer: [rootDer] }, new AbortController().signal);
    expect(plan.found.warnings).to.deep.equal([]);
    const { decision } = await plan.afterHandshake!(facts());
    expect(decision.allow).to.equal(false);
  });

  it('ocsp: a leaf that names no responder is a warning of that check alone', async () => {
    const plan = await planClientRevocation({ config: { mode: 'ocsp', failure: 'hard' }, serverChainDer: [leafDer], anchorsDer: [rootDer] }, new AbortController().signal);
    expect(plan.found).to.deep.equal({ checks: [], warnings: [] });
    const first = await plan.afterHandshake!(facts());
    const second = await plan.afterHandshake!(facts());
    expect(first).to.deep.equal({ decision: { allow: true }, checks: [], warnings: ['not checked: CN=localhost names no OCSP responder'] });
    expect(second).to.deep.equal(first);
    expect(plan.found).to.deep.equal({ checks: [], warnings: [] });
  });
});
