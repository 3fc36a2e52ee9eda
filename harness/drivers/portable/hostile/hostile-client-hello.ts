/**
 * ClientHellos for the hostile drivers: waiting for a whole one on a raw socket (servers that
 * misbehave *after* the client spoke), and getting a real one from Node's own TLS stack (the
 * client that stalls after sending it). A ClientHello is the first TLS record: a 5-byte header
 * (type 0x16, version, 2-byte length) and its body.
 */
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { connect, type ConnectionOptions } from 'node:tls';
import { helloOptionsFromPlan, isIpLiteral } from '../client-common.js';
import type { ClientPlan } from '../types.js';

const RECORD_HEADER_BYTES = 5;
/** getting the hello is tlsgate's own preparation, not the peer's time: a loaded machine gets long */
const CAPTURE_TIMEOUT_MS = 10_000;
/** the largest TLS record (2^14 plus expansion); a peer announcing more is not speaking TLS */
const MAX_RECORD_BYTES = RECORD_HEADER_BYTES + 18_432;

/** the length of the first record in `bytes`, once its header has arrived */
function firstRecordLength(bytes: Buffer): number | undefined {
  if (bytes.length < RECORD_HEADER_BYTES) return undefined;
  return Math.min(RECORD_HEADER_BYTES + bytes.readUInt16BE(3), MAX_RECORD_BYTES);
}

/**
 * Calls `then` once with the first record the client sent (the ClientHello), or with whatever
 * arrived if the client stops sending first. Later bytes are read and dropped, so closing the
 * socket afterwards sends a FIN, not a reset caused by unread data.
 */
export function afterClientHello(socket: Socket, then: (hello: Buffer) => void): void {
  let received = Buffer.alloc(0);
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    then(received);
  };
  socket.on('data', (chunk: Buffer) => {
    if (done) return;
    received = Buffer.concat([received, chunk]);
    const length = firstRecordLength(received);
    if (length !== undefined && received.length >= length) finish();
  });
  socket.on('end', finish);
}

/**
 * The ClientHello Node's TLS stack writes for this plan (SNI, versions, ciphers, ALPN), taken
 * from a real `tls.connect` to a throwaway loopback listener. Every call makes a fresh one
 * (new random, new key shares), as a real client would.
 */
export function captureClientHello(plan: ClientPlan, signal: AbortSignal): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const listener = createServer((socket) => {
      socket.on('error', () => undefined);
      afterClientHello(socket, (hello) => finish(() => resolve(hello)));
    });
    let client: ReturnType<typeof connect> | undefined;
    const onAbort = () => finish(() => reject(signal.reason));
    const timer = setTimeout(() => finish(() => reject(new Error(`Node's TLS stack wrote no ClientHello within ${CAPTURE_TIMEOUT_MS} ms`))), CAPTURE_TIMEOUT_MS);
    let settled = false;
    function finish(settle: () => void) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      client?.destroy();
      listener.close();
      settle();
    }
    signal.addEventListener('abort', onAbort, { once: true });
    listener.on('error', (err) => finish(() => reject(err)));
    listener.listen(0, plan.host, () => {
      const { port } = listener.address() as AddressInfo;
      client = connect({ ...helloOptions(plan), host: plan.host, port });
      // the listener hangs up once it has the hello: that error is expected
      client.on('error', () => undefined);
    });
  });
}

/** the options that shape a ClientHello; trust and identity do not appear in it */
function helloOptions(plan: ClientPlan): ConnectionOptions {
  return { ...helloOptionsFromPlan(plan), ...(isIpLiteral(plan.servername) ? {} : { servername: plan.servername }) };
}
