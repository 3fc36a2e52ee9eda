/**
 * The one-read front (`server.front`) between two OpenSSL command-line tools: no Node TLS at
 * either end, so the oracle is independent of tlsgate's own stack. `openssl s_client -msg` prints
 * the record header it sent; a ClientHello record complete in the front's one read reaches the
 * real s_server and the handshake completes end to end, one byte more and s_client sees a reset.
 * The ClientHello is sized with its ALPN list, which s_client writes as given.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { opensslSServer } from '../../harness/drivers/portable/external/openssl-s-server.js';
import { judgeFirstRead, OneReadFront } from '../../harness/drivers/portable/hostile/one-read-front.js';
import type { FrontObservation } from '../../harness/model/domain.js';
import { tlsgate } from '../cli/spawn.js';
import { never, serverPlan } from './helpers.js';
import { testPki } from './openssl-pki.js';

const ONE_SEGMENT = 1460;
/** an ALPN protocol id this long costs 128 bytes in the ClientHello (its length byte first) */
const FILLER_ID = 127;

interface ClientRun {
  /** the ClientHello record's length, header included, from the header s_client printed */
  helloRecordBytes: number;
  established: boolean;
  output: string;
}

/** `openssl s_client` through the front with a ClientHello `extra` bytes larger than its smallest */
function sClient(port: number, caFile: string, extra: number): Promise<ClientRun> {
  const args = ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', 'localhost', '-CAfile', caFile, '-verify_return_error', '-alpn', alpnAdding(extra), '-msg', '-brief'];
  return new Promise((resolve, reject) => {
    // stdin is /dev/null: its end makes s_client close once the handshake is done
    const child = spawn('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill(), 20_000);
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(timer);
      const header = /RecordHeader \[length 0005\]\n\s+16 03 0[13] ([0-9a-f]{2}) ([0-9a-f]{2})/.exec(output);
      if (!header) return reject(new Error(`s_client printed no ClientHello record header:\n${output}`));
      resolve({ helloRecordBytes: 5 + parseInt(header[1]! + header[2]!, 16), established: output.includes('CONNECTION ESTABLISHED'), output });
    });
  });
}

/** an ALPN list `extra` bytes longer (on the wire) than the one-byte list `a` */
function alpnAdding(extra: number): string {
  const fillers = Math.floor(extra / (FILLER_ID + 1));
  const first = 'a'.repeat(1 + (extra % (FILLER_ID + 1)));
  return [first, ...Array.from({ length: fillers }, () => 'f'.repeat(FILLER_ID))].join(',');
}

describe('the one-read front (server.front), between openssl s_client and s_server', function () {
  this.timeout(60_000);
  let dir: string;
  let caFile: string;
  let front: OneReadFront;
  /** the ClientHello of `-alpn a`: the sizes below are reached from it */
  let smallest: number;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tlsgate-front-'));
    caFile = join(dir, 'root.pem');
    writeFileSync(caFile, testPki().cert('root').pem);
    front = await OneReadFront.start(await opensslSServer.listen(serverPlan(), {}, never), { readsOnce: ONE_SEGMENT });
  });
  after(async () => {
    await front?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function through(extra: number): Promise<{ client: ClientRun; front: FrontObservation | undefined; serverHandshake: boolean }> {
    front.reset();
    const client = await sClient(front.port, caFile, extra);
    const seen = await front.observation();
    return { client, front: seen.front, serverHandshake: seen.handshake };
  }

  it('relays a small ClientHello to the real server, which completes the handshake with s_client', async () => {
    const { client, front: record, serverHandshake } = await through(0);
    smallest = client.helloRecordBytes;
    expect(client.established, client.output).to.equal(true);
    expect(serverHandshake).to.equal(true);
    expect(record).to.deep.equal({ readsOnce: ONE_SEGMENT, readBytes: smallest, clientHelloRecordBytes: smallest, passed: true });
    expect(smallest).to.be.lessThan(ONE_SEGMENT - 512);
  });

  it('relays a ClientHello of exactly one segment (1,460 bytes)', async () => {
    const { client, front: record } = await through(ONE_SEGMENT - smallest);
    expect(client.helloRecordBytes).to.equal(ONE_SEGMENT);
    expect(client.established, client.output).to.equal(true);
    expect(record?.passed).to.equal(true);
  });

  it('resets a ClientHello one byte past the segment: s_client sees the reset, the server never a handshake', async () => {
    const { client, front: record, serverHandshake } = await through(ONE_SEGMENT + 1 - smallest);
    expect(client.helloRecordBytes).to.equal(ONE_SEGMENT + 1);
    expect(client.established).to.equal(false);
    expect(client.output).to.match(/errno=104|Connection reset by peer/);
    expect(serverHandshake).to.equal(false);
    expect(record).to.deep.equal({ readsOnce: ONE_SEGMENT, readBytes: ONE_SEGMENT, clientHelloRecordBytes: ONE_SEGMENT + 1, passed: false });
  });
});

describe('the one-read front judges only what its one read got', () => {
  /** a TLS record header (handshake, TLS 1.0 legacy version) announcing `body` bytes, then `got` of them, the first a ClientHello's type */
  const record = (body: number, got: number) => Buffer.concat([Buffer.from([0x16, 0x03, 0x01, body >> 8, body & 0xff]), Buffer.alloc(got, 0x01)]);

  it('passes a first record that ends within the read, also one of several records (a ClientHello fragmented into records)', () => {
    expect(judgeFirstRead(record(300, 300))).to.deep.equal({ readBytes: 305, clientHelloRecordBytes: 305, passed: true });
    expect(judgeFirstRead(Buffer.concat([record(200, 200), record(1400, 100)]))).to.deep.equal({ readBytes: 310, clientHelloRecordBytes: 205, passed: true });
  });

  it('resets a record cut by the read, a read shorter than a record header, and what is not a ClientHello', () => {
    expect(judgeFirstRead(record(1600, 1455))).to.deep.equal({ readBytes: 1460, clientHelloRecordBytes: 1605, passed: false });
    expect(judgeFirstRead(Buffer.from([0x16, 0x03]))).to.deep.equal({ readBytes: 2, passed: false });
    expect(judgeFirstRead(Buffer.from('GET / HTTP/1.1\r\nhost: x\r\n\r\n')).passed).to.equal(false);
  });
});

describe('server.front as bad input', function () {
  this.timeout(30_000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'tlsgate-front-input-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** `tlsgate validate` of a file with these scenarios under a front from defaults */
  function validate(scenarios: string[]) {
    const file = join(dir, 'front.yaml');
    writeFileSync(file, [
      'pki:',
      '  certs:',
      '    - { id: root, role: root, subject: "CN=r" }',
      '    - { id: leaf, role: server, issuer: root, subject: "CN=localhost", san: { dns: [localhost] } }',
      'defaults:',
      '  server: { cert: leaf, front: { readsOnce: 1460 } }',
      'scenarios:',
      ...scenarios,
      '',
    ].join('\n'));
    return tlsgate(['validate', file]);
  }

  it('is exit 2 at file:line on a server it cannot wrap, from the defaults or the scenario', async () => {
    const { code, stderr } = await validate([
      '  - name: a Postgres server reads its SSLRequest first',
      '    server: { driver: postgres }',
      '    expect: { outcome: accept }',
      '  - name: a hostile peer never handshakes',
      '    server: { driver: hostile-close, front: { readsOnce: 1460 } }',
      '    expect: { outcome: reject }',
      '  - name: an s_server can be wrapped',
      '    server: { driver: openssl-s_server }',
      '    expect: { outcome: accept }',
    ]);
    expect(code, stderr).to.equal(2);
    expect(stderr).to.match(/front\.yaml:6:\d+ +defaults\.server\.front +server\.front cannot wrap the postgres server/);
    expect(stderr).to.match(/front\.yaml:12:\d+ +scenarios\[1\]\.server\.front +server\.front cannot wrap the hostile-close server/);
    expect(stderr.trim().split('\n')).to.have.length(2);
  });

  it('is exit 2 at file:line for a read below 64 or above 16384 bytes', async () => {
    const { code, stderr } = await validate([
      '  - name: too small a read',
      '    server: { front: { readsOnce: 63 } }',
      '    expect: { outcome: accept }',
      '  - name: more than a TLS record',
      '    server: { front: { readsOnce: 16385 } }',
      '    expect: { outcome: accept }',
      '  - name: the bounds themselves',
      '    server: { front: { readsOnce: 64 } }',
      '    expect: { outcome: accept }',
      '  - name: the bounds themselves, upper',
      '    server: { front: { readsOnce: 16384 } }',
      '    expect: { outcome: accept }',
    ]);
    expect(code, stderr).to.equal(2);
    expect(stderr).to.match(/front\.yaml:9:\d+ .*63 is too small \(the minimum is 64\)/);
    expect(stderr).to.match(/front\.yaml:12:\d+ .*16385 is too large \(the maximum is 16384\)/);
    expect(stderr.trim().split('\n')).to.have.length(2);
  });
});
