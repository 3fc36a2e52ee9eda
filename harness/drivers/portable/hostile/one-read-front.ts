/**
 * `server.front: { readsOnce: N }`: the large-ClientHello class of failure (https://tldr.fail),
 * modelled deterministically in front of a real TLS server. Servers and middleboxes of this class
 * (SNI routers, inspecting firewalls, load balancers) make ONE read of the ClientHello and decide
 * on it alone. Over Ethernet (TCP MSS 1,460 bytes) a ClientHello past one segment arrives in two,
 * and that one read returns only the first; on loopback (MTU 64 KiB) the whole ClientHello
 * arrives at once, so the front takes at most N bytes of the first read to stand for it.
 *
 * If the TLS record holding the ClientHello is complete within those bytes, the front passes the
 * connection through to the server, byte for byte (what it read included): the TLS handshake is
 * end to end between the real client and the real server. If not, it resets the connection (a
 * TCP RST, what tldr.fail's test looks for: "...or if it resets the connection"; Chrome users saw
 * ERR_CONNECTION_RESET). It records what it read, so reports show the real ClientHello size.
 *
 * Observe, never judge: the front says what it did; the client's observation and the taxonomy
 * make the verdict. Standard library only: it wraps any server handle, local or in a worker.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { FrontObservation, ServerObservation } from '../../../model/domain.js';
import { StepConnections } from '../step-connections.js';
import { passReset, resetSocket, splice } from '../tcp-splice.js';
import type { ServerHandle, ServerPlan } from '../types.js';

const RECORD_HEADER_BYTES = 5;
const HANDSHAKE_RECORD = 0x16;
const CLIENT_HELLO = 0x01;
/** by tlsgate's naming convention (TLSGATE_<CATEGORY>_<detail>): a reset */
export const FRONT_RESET = 'TLSGATE_RESET_CLIENT_HELLO_PAST_ONE_READ';

export interface FrontConfig {
  /** the bytes of the one read (1460: one TCP segment at MTU 1500) */
  readsOnce: number;
}

/** what the front's one read says of the first record, and so what it does with the connection */
export function judgeFirstRead(read: Buffer): Omit<FrontObservation, 'readsOnce'> {
  if (read.length < RECORD_HEADER_BYTES) return { readBytes: read.length, passed: false };
  const recordBytes = RECORD_HEADER_BYTES + read.readUInt16BE(3);
  const isClientHello = read[0] === HANDSHAKE_RECORD && (read.length <= RECORD_HEADER_BYTES || read[RECORD_HEADER_BYTES] === CLIENT_HELLO);
  return { readBytes: read.length, clientHelloRecordBytes: recordBytes, passed: isClientHello && read.length >= recordBytes };
}

/** the server behind the front; the front relays to wherever it listens */
export class OneReadFront implements ServerHandle {
  private readonly connections = new StepConnections();
  private record: FrontObservation | undefined;
  private closed = false;

  /** the server's own rotation, when it has one: the front relays to it whatever its credentials */
  readonly rotate?: (plan: ServerPlan) => void | Promise<void>;

  private constructor(private readonly server: Server, private readonly inner: ServerHandle, private readonly config: FrontConfig, readonly port: number) {
    if (inner.rotate) this.rotate = inner.rotate.bind(inner);
  }

  /** listens on the inner server's own loopback address, port 0 */
  static async start(inner: ServerHandle, config: FrontConfig): Promise<OneReadFront> {
    const server = createServer();
    server.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, inner.host, () => {
        server.off('error', reject);
        resolve();
      });
    }).catch((err: Error) => {
      server.close();
      throw new Error(`one-read front: cannot listen on ${inner.host}: ${err.message}`);
    });
    const front = new OneReadFront(server, inner, config, (server.address() as { port: number }).port);
    server.on('connection', (socket: Socket) => front.onConnection(socket));
    return front;
  }

  get host(): string {
    return this.inner.host;
  }

  /** the server's record of this step, with the front's own beside it */
  async observation(): Promise<ServerObservation> {
    const [server] = await Promise.all([this.inner.observation(), this.connections.settled()]);
    if (!this.record) return server;
    const front = { ...this.record };
    if (front.passed) return { ...server, front };
    return {
      ...server,
      front,
      errorCode: server.errorCode ?? FRONT_RESET,
      errorMessage: server.errorMessage ?? resetReason(front),
    };
  }

  reset(): void {
    this.record = undefined;
    this.connections.reset();
    this.inner.reset();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.connections.destroyAll();
    await Promise.all([new Promise<void>((resolve) => this.server.close(() => resolve())), this.inner.close()]);
  }

  private onConnection(client: Socket): void {
    if (this.closed) return void client.destroy();
    client.on('error', () => undefined);
    this.connections.track(client);
    client.once('data', (chunk: Buffer) => {
      client.pause();
      const judged = judgeFirstRead(chunk.subarray(0, this.config.readsOnce));
      this.record = { readsOnce: this.config.readsOnce, ...judged };
      if (!judged.passed) return resetSocket(client);
      this.relay(client, chunk);
    });
  }

  /** the client's bytes (what the front already read first) to the server and back, untouched */
  private relay(client: Socket, alreadyRead: Buffer): void {
    const upstream = connect(this.inner.port, this.inner.host);
    this.connections.watch(upstream);
    // a refused or reset server before the splice is a reset for the client too
    upstream.once('error', () => passReset(client));
    upstream.once('connect', () => {
      if (client.destroyed) return passReset(upstream); // the client reset while the server leg opened
      upstream.write(alreadyRead);
      splice(client, upstream);
    });
  }
}

/** why the front reset the connection, in the words of its record */
function resetReason(front: FrontObservation): string {
  const read = `the one-read front's read got ${front.readBytes} bytes (at most ${front.readsOnce})`;
  if (front.clientHelloRecordBytes === undefined) return `${read}, not even a TLS record header; it reset the connection`;
  return `${read} of a ${front.clientHelloRecordBytes}-byte first record, not a complete ClientHello; it reset the connection`;
}
