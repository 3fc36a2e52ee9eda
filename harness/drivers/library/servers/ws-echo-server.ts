/**
 * Server driver `ws-echo`: an `https` server with ws's `WebSocketServer` on it, as ws's README
 * sets one up: the upgrade completes over TLS, then every message is echoed back. A plain HTTP
 * request gets the wire protocol's `200 tlsgate-ok`, so HTTP clients work against it too.
 */
import { createServer } from 'node:https';
import type { WebSocketServer } from 'ws';
import { OK_BODY } from '../../portable/client-common.js';
import { serverOptions } from '../../portable/node/node-tls-server.js';
import type { ServerDriver } from '../../portable/types.js';
import { ownLibrary, startProtocolServer } from './protocol-server.js';

type Ws = { WebSocketServer: typeof WebSocketServer };

export const wsEchoServer: ServerDriver = {
  name: 'ws-echo',
  async listen(plan, hooks, signal) {
    const ws = await ownLibrary<Ws>('ws');
    let wss: WebSocketServer | undefined;
    return startProtocolServer('ws-echo', plan, hooks, signal, () => {
      const server = createServer(serverOptions(plan), (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': OK_BODY.length, connection: 'close' }).end(OK_BODY);
      });
      wss = new ws.WebSocketServer({ server });
      wss.on('connection', (socket) => {
        socket.on('error', () => undefined);
        socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
      });
      wss.on('error', () => undefined);
      return server;
    }, () => {
      for (const client of wss?.clients ?? []) client.terminate();
      wss?.close();
    });
  },
};
