/**
 * Server driver `hostile-silent`: accepts the TCP connection, reads the ClientHello and never
 * answers, like a black-holed load balancer or a process wedged after accept(). A client must
 * end the handshake at its own deadline (category timeout), never wait for the OS's.
 */
import { hostileServerDriver } from './hostile-server.js';

export const hostileSilentServer = hostileServerDriver('hostile-silent', (socket) => {
  // keep reading (and dropping) so the client's writes never block; never write anything
  socket.resume();
});
