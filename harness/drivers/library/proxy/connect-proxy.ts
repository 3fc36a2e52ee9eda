/**
 * tlsgate's HTTP CONNECT proxy, for HTTP-family scenarios with `client.proxy`: plain (http://)
 * or TLS (https://, with its own certificate, good or bad independently of the origin's). It
 * listens on loopback port 0 and tunnels every CONNECT to the scenario's server, whatever
 * authority the client names (the names under test do not resolve, so a client that bypassed
 * the proxy fails to connect): it can never reach anything but that one loopback server. It
 * records each CONNECT's authority and its own TLS handshake's error; every socket closes with it.
 */
import { connect, createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { readableMessage } from '../../portable/client-common.js';

export interface ProxyConfig {
  host: '127.0.0.1' | '::1';
  /** the proxy's own certificate (leaf then chain) and key: a TLS proxy */
  tls?: { certChainPem: string; keyPem: string } | undefined;
  /** where every tunnel goes */
  origin: { host: string; port: number };
}

export interface ProxyRecord {
  /** the authority of each CONNECT, in order */
  connects: string[];
  /** the proxy's own TLS handshake error (a client that refused the proxy's certificate) */
  tlsError?: string;
}

const MAX_HEAD = 16 * 1024;

export class ConnectProxy {
  readonly record: ProxyRecord = { connects: [] };
  private readonly sockets = new Set<Socket>();
  private closed = false;

  private constructor(private readonly server: Server, readonly port: number) {}

  static async start(config: ProxyConfig): Promise<ConnectProxy> {
    const server: Server = config.tls
      ? createTlsServer({ cert: config.tls.certChainPem, key: config.tls.keyPem, ALPNProtocols: ['http/1.1'] })
      : createTcpServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const proxy = new ConnectProxy(server, (server.address() as { port: number }).port);
    server.on(config.tls ? 'secureConnection' : 'connection', (socket: Socket) => proxy.serve(socket, config.origin));
    server.on('tlsClientError', (err: Error) => {
      proxy.record.tlsError ??= readableMessage(err);
    });
    server.on('connection', (socket: Socket) => proxy.track(socket));
    server.on('error', () => undefined);
    return proxy;
  }

  private track(socket: Socket): void {
    if (this.closed) return void socket.destroy();
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
  }

  private serve(client: Socket, origin: { host: string; port: number }): void {
    this.track(client);
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) {
        if (head.length > MAX_HEAD) client.destroy();
        return;
      }
      client.off('data', onData);
      const requestLine = head.subarray(0, head.indexOf('\r\n')).toString('latin1');
      const connectTo = /^CONNECT (\S+) HTTP\/1\.[01]$/.exec(requestLine);
      if (!connectTo) return void client.end('HTTP/1.1 405 Method Not Allowed\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      this.record.connects.push(connectTo[1]!);
      this.tunnel(client, origin, head.subarray(end + 4));
    };
    client.on('data', onData);
  }

  private tunnel(client: Socket, origin: { host: string; port: number }, early: Buffer): void {
    const upstream = connect(origin.port, origin.host);
    this.track(upstream);
    upstream.once('connect', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (early.length > 0) upstream.write(early);
      client.pipe(upstream);
      upstream.pipe(client);
    });
    const closeBoth = () => {
      client.destroy();
      upstream.destroy();
    };
    upstream.once('error', () => {
      if (!client.destroyed) client.end('HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n');
    });
    upstream.once('close', closeBoth);
    client.once('close', closeBoth);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
