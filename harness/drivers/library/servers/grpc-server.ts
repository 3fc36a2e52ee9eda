/**
 * Server driver `grpc`: `http2.createSecureServer` (ALPN h2) answering one unary gRPC method,
 * `/tlsgate.Echo/Ping`, with the message `tlsgate-ok` and grpc-status 0; any other path gets
 * grpc-status 12 (UNIMPLEMENTED). Messages are raw bytes in gRPC's length-prefixed framing, so
 * no protobuf is involved; a client calls it with identity (de)serializers.
 */
import { createSecureServer, type ServerHttp2Stream, type IncomingHttpHeaders } from 'node:http2';
import { OK_BODY } from '../../portable/client-common.js';
import { serverOptions } from '../../portable/node/node-tls-server.js';
import type { ServerDriver } from '../../portable/types.js';
import { startProtocolServer } from './protocol-server.js';

export const GRPC_METHOD = '/tlsgate.Echo/Ping';

/** one gRPC message: compressed flag 0, 4-byte big-endian length, the bytes */
export function grpcFrame(message: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt32BE(message.length, 1);
  return Buffer.concat([head, message]);
}

function answer(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): void {
  stream.on('error', () => undefined);
  const known = headers[':path'] === GRPC_METHOD;
  stream.on('data', () => undefined);
  stream.on('end', () => {
    if (stream.destroyed) return;
    stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
    stream.once('wantTrailers', () => stream.sendTrailers(known
      ? { 'grpc-status': '0', 'grpc-message': '' }
      : { 'grpc-status': '12', 'grpc-message': `unknown method ${String(headers[':path'])}` }));
    if (known) stream.write(grpcFrame(Buffer.from(OK_BODY)));
    stream.end();
  });
}

export const grpcServer: ServerDriver = {
  name: 'grpc',
  async listen(plan, hooks, signal) {
    return startProtocolServer('grpc', plan, hooks, signal, () => {
      const server = createSecureServer({ ...serverOptions(plan), ALPNProtocols: plan.alpn ?? ['h2'], allowHTTP1: false });
      server.on('stream', answer);
      server.on('sessionError', () => undefined);
      return server;
    });
  },
};
