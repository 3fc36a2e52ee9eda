/**
 * Server driver `hostile-close`: reads the whole ClientHello, then closes the connection
 * (a FIN, no alert): a server that crashes or is restarted mid-handshake, or a middlebox that
 * drops connections it does not like. A client must report a reset at once, not a timeout.
 */
import { afterClientHello } from './hostile-client-hello.js';
import { hostileServerDriver } from './hostile-server.js';

export const hostileCloseServer = hostileServerDriver('hostile-close', (socket) => {
  afterClientHello(socket, () => socket.end());
});
