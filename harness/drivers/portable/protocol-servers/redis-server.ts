/**
 * Server driver `redis`: enough RESP for a client library to reach its verdict, over TLS from the
 * first byte (Redis `tls-port`). Commands in RESP arrays or inline: PING -> +PONG, AUTH and
 * HELLO as a server without ACLs answers them (HELLO as RESP2), INFO with `loading:0` (what
 * ready checks read), CLIENT/SELECT -> +OK, QUIT -> +OK and close; anything else an error.
 * Client certificates as Redis' `tls-auth-clients yes|no` enforces them: by the TLS layer.
 */
import type { TLSSocket } from 'node:tls';
import { tlsServerDriver, type Conversation } from '../node/node-tls-server.js';
import { ByteReader } from './byte-reader.js';

const conversation: Conversation = {
  afterTls(socket: TLSSocket): void {
    void serve(socket);
  },
};

export const redisServer = tlsServerDriver('redis', conversation);

async function serve(socket: TLSSocket): Promise<void> {
  const reader = new ByteReader(socket);
  for (;;) {
    const command = await readCommand(reader);
    if (!command) return;
    const name = (command[0] ?? '').toUpperCase();
    if (name === 'QUIT') return void socket.end('+OK\r\n');
    socket.write(answer(name, command.slice(1)));
  }
}

function answer(name: string, args: string[]): string {
  switch (name) {
    case 'PING': return args[0] === undefined ? '+PONG\r\n' : bulk(args[0]);
    case 'ECHO': return bulk(args[0] ?? '');
    case 'AUTH': case 'CLIENT': case 'SELECT': return '+OK\r\n';
    case 'INFO': return bulk('# Server\r\nredis_version:7.0.15\r\nredis_mode:standalone\r\n# Persistence\r\nloading:0\r\n');
    case 'HELLO': {
      const fields = ['server', 'redis', 'version', '7.0.15', 'proto', '2', 'mode', 'standalone', 'role', 'master'];
      return `*${fields.length + 4}\r\n${fields.map(bulk).join('')}${bulk('id')}:1\r\n${bulk('modules')}*0\r\n`;
    }
    default: return `-ERR unknown command '${name}' (tlsgate's redis server)\r\n`;
  }
}

const bulk = (text: string) => `$${Buffer.byteLength(text)}\r\n${text}\r\n`;

/** one command: a RESP array of bulk strings, or an inline command line */
async function readCommand(reader: ByteReader): Promise<string[] | undefined> {
  const line = await reader.line();
  if (line === undefined) return undefined;
  if (!line.startsWith('*')) return line.trim().split(/\s+/);
  const count = Number(line.slice(1));
  const parts: string[] = [];
  for (let i = 0; i < count; i++) {
    const header = await reader.line();
    if (!header?.startsWith('$')) return undefined;
    const value = await reader.bytes(Number(header.slice(1)) + 2);
    if (!value) return undefined;
    parts.push(value.subarray(0, -2).toString('utf8'));
  }
  return parts;
}
