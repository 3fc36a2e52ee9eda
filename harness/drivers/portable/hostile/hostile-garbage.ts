/**
 * Server driver `hostile-garbage`: answers the ClientHello with random bytes instead of a
 * ServerHello (a plain-text service on the TLS port, a broken proxy, a corrupted stream), then
 * leaves the connection open. A client must fail the handshake as a protocol error at once.
 *
 * The bytes are random except the second one, which is never 0x03. A TLS record header is
 * type, version major (0x03), minor, length: with a random second byte of 0x03 (1 in 256, and a
 * first byte that passes) OpenSSL would take the bytes for a record and wait for the rest of it,
 * turning the verdict into a timeout now and then. With any other value OpenSSL reports
 * WRONG_VERSION_NUMBER on the first read, every time: random, but never flaky.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { afterClientHello } from './hostile-client-hello.js';
import { hostileServerDriver } from './hostile-server.js';

const GARBAGE_BYTES = 1024;
const TLS_VERSION_MAJOR = 0x03;

export function garbage(length = GARBAGE_BYTES): Buffer {
  const bytes = randomBytes(length);
  if (bytes.length > 1 && bytes[1] === TLS_VERSION_MAJOR) bytes[1] = TLS_VERSION_MAJOR + randomInt(1, 253);
  return bytes;
}

export const hostileGarbageServer = hostileServerDriver('hostile-garbage', (socket) => {
  afterClientHello(socket, () => {
    if (socket.writable) socket.write(garbage());
  });
});
