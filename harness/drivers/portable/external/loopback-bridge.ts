/**
 * The scenario's server address for a tool in a private network namespace (private-network.ts):
 * a TCP server on 127.0.0.1 or ::1, port 0, that joins each client connection to a new
 * connection to the tool, made inside the namespace and handed over as a socket. Both are TCP
 * sockets of this process, joined byte for byte: the data, each side's half-close (a FIN is
 * passed on when it comes, the other direction stays open), and a reset (an error on one side,
 * ECONNRESET or any other, resets the other once what it already sent is written), so the client
 * meets what it would meet connected to the tool itself, and the tool sees one connection per
 * client connection, no more.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { passReset, resetSocket, splice } from '../tcp-splice.js';

export class LoopbackBridge {
  private constructor(private readonly server: Server, private readonly sockets: Set<Socket>, readonly host: string, readonly port: number) {}

  /** listens on host, port 0; `connectInside` makes the tool's end of each connection */
  static open(host: string, connectInside: () => Promise<Socket>): Promise<LoopbackBridge> {
    const sockets = new Set<Socket>();
    // paused: the client's bytes wait in the kernel until the tool's end is there
    const server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, (client) => void bridge(client, connectInside, sockets));
    return new Promise<LoopbackBridge>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, host, () => {
        server.off('error', reject);
        resolve(new LoopbackBridge(server, sockets, host, (server.address() as AddressInfo).port));
      });
    });
  }

  /** stops listening and ends every connection still open */
  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function track(socket: Socket, sockets: Set<Socket>): void {
  sockets.add(socket);
  socket.on('error', () => undefined); // an error is passed on as a reset (join), never thrown
  socket.once('close', () => sockets.delete(socket));
}

async function bridge(client: Socket, connectInside: () => Promise<Socket>, sockets: Set<Socket>): Promise<void> {
  track(client, sockets);
  let clientFailed = false;
  client.on('error', () => (clientFailed = true));
  let inside: Socket;
  try {
    inside = await connectInside();
  } catch {
    resetSocket(client); // the tool is gone: as a refused connection would be, abruptly
    return;
  }
  inside.allowHalfOpen = true; // a socket received over IPC is made without it
  track(inside, sockets);
  if (clientFailed || client.destroyed) {
    // the client reset before the tool's end was there: the tool sees the same
    passReset(inside);
    return;
  }
  splice(client, inside);
}

