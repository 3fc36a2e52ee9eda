/**
 * Server driver `mysql`: enough of the MySQL client/server protocol (4.1+) for a client library
 * to reach its verdict, over real node:tls.
 *
 *   plain:  the server's HandshakeV10 advertises CLIENT_SSL; the client's SSLRequest (32 bytes,
 *           CLIENT_SSL set) starts the handshake on the same socket. A HandshakeResponse without
 *           CLIENT_SSL is refused as MariaDB's `require_secure_transport=ON` refuses it (ERR 1045);
 *   TLS:    HandshakeResponse41 -> OK (any user and password); COM_QUERY -> one row, one text
 *           column `answer` = `tlsgate-ok`; COM_PING -> OK; COM_QUIT ends.
 *
 * Client certificates as MySQL and MariaDB enforce them (`ssl-ca` + a user `REQUIRE X509`): a
 * certificate presented must verify, or the handshake fails; a missing one is refused at login,
 * after the handshake, with ERR 1045 (access denied).
 */
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { randomBytes } from 'node:crypto';
import type { ServerObservation } from '../../../model/domain.js';
import { OK_BODY } from '../client-common.js';
import { tlsServerDriver, type Conversation } from '../node/node-tls-server.js';
import type { ServerPlan } from '../types.js';
import { ByteReader } from './byte-reader.js';
import { certificateCheckedAtLogin, loginCertificateAllowed } from './login-certificate.js';
import { PLAINTEXT_REFUSED } from './protocol-codes.js';

const CAPS = {
  LONG_PASSWORD: 0x1, FOUND_ROWS: 0x2, LONG_FLAG: 0x4, CONNECT_WITH_DB: 0x8, PROTOCOL_41: 0x200,
  SSL: 0x800, TRANSACTIONS: 0x2000, SECURE_CONNECTION: 0x8000, MULTI_RESULTS: 0x20000, PLUGIN_AUTH: 0x80000,
} as const;
const SERVER_CAPS = Object.values(CAPS).reduce((all, flag) => all | flag, 0);
const UTF8MB4 = 45;
const AUTOCOMMIT = 0x0002;
const COM = { QUIT: 0x01, QUERY: 0x03, PING: 0x0e } as const;

const conversation: Conversation = {
  async beforeTls(raw: Socket, record: ServerObservation): Promise<boolean> {
    const reader = new ByteReader(raw);
    raw.write(packet(0, handshakeV10()));
    const first = await readPacket(reader);
    if (!first) return false;
    const clientCaps = first.body.length >= 4 ? first.body.readUInt32LE(0) : 0;
    if (clientCaps & CAPS.SSL) {
      reader.stop();
      return true;
    }
    record.errorCode = PLAINTEXT_REFUSED;
    record.errorMessage = 'the client logged in without TLS (no CLIENT_SSL in its handshake response)';
    // MariaDB 10.11 (Debian's) answers a login without TLS under require_secure_transport with
    // ER_ACCESS_DENIED_ERROR, as the oracle test shows; MySQL 8 says ER_SECURE_TRANSPORT_REQUIRED (3159)
    raw.end(packet(first.seq + 1, errPacket(1045, '28000', `Access denied for user 'tlsgate'@'${raw.remoteAddress ?? 'localhost'}' (using password: NO)`)));
    return false;
  },
  tlsPlan: certificateCheckedAtLogin,
  afterTls(socket: TLSSocket, record: ServerObservation, plan: ServerPlan): void {
    void serve(socket, record, plan);
  },
};

export const mysqlServer = tlsServerDriver('mysql', conversation);

async function serve(socket: TLSSocket, record: ServerObservation, plan: ServerPlan): Promise<void> {
  const reader = new ByteReader(socket);
  const login = await readPacket(reader);
  if (!login) return;
  if (!loginCertificateAllowed(socket, record, plan, {
    message: 'the user REQUIREs X509 and the client presented no certificate (refused at login)',
    answer: packet(login.seq + 1, errPacket(1045, '28000', "Access denied for user 'tlsgate'@'localhost' (using password: NO)")),
  })) return;
  socket.write(packet(login.seq + 1, okPacket()));
  for (;;) {
    const command = await readPacket(reader);
    if (!command) return;
    const code = command.body[0];
    if (code === COM.QUIT) return void socket.end();
    if (code === COM.PING) socket.write(packet(1, okPacket()));
    else if (code === COM.QUERY) socket.write(queryAnswer());
    else socket.write(packet(1, errPacket(1047, '08S01', 'Unknown command (tlsgate\'s mysql server)')));
  }
}

function handshakeV10(): Buffer {
  const scramble = randomBytes(20).map((b) => (b % 94) + 33);
  return Buffer.concat([
    Buffer.from([10]), Buffer.from('8.0.36-tlsgate\0'), uint32(process.pid),
    scramble.subarray(0, 8), Buffer.from([0]),
    uint16(SERVER_CAPS & 0xffff), Buffer.from([UTF8MB4]), uint16(AUTOCOMMIT), uint16(SERVER_CAPS >>> 16),
    Buffer.from([21]), Buffer.alloc(10),
    scramble.subarray(8), Buffer.from([0]), Buffer.from('mysql_native_password\0'),
  ]);
}

/** column count, one column definition, EOF, one row, EOF (no CLIENT_DEPRECATE_EOF offered) */
function queryAnswer(): Buffer {
  const VAR_STRING = 0xfd;
  const column = Buffer.concat([
    lenencString('def'), lenencString(''), lenencString(''), lenencString(''), lenencString('answer'), lenencString(''),
    Buffer.from([0x0c]), uint16(UTF8MB4), uint32(1024), Buffer.from([VAR_STRING]), uint16(0), Buffer.from([0]), uint16(0),
  ]);
  return Buffer.concat([
    packet(1, Buffer.from([1])), packet(2, column), packet(3, eofPacket()),
    packet(4, lenencString(OK_BODY)), packet(5, eofPacket()),
  ]);
}

const okPacket = () => Buffer.concat([Buffer.from([0x00, 0, 0]), uint16(AUTOCOMMIT), uint16(0)]);
const eofPacket = () => Buffer.concat([Buffer.from([0xfe]), uint16(0), uint16(AUTOCOMMIT)]);

function errPacket(code: number, sqlState: string, text: string): Buffer {
  return Buffer.concat([Buffer.from([0xff]), uint16(code), Buffer.from(`#${sqlState}${text}`)]);
}

async function readPacket(reader: ByteReader): Promise<{ seq: number; body: Buffer } | undefined> {
  const head = await reader.bytes(4);
  if (!head) return undefined;
  const body = await reader.bytes(head.readUIntLE(0, 3));
  return body && { seq: head[3]!, body };
}

function packet(seq: number, body: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUIntLE(body.length, 0, 3);
  head[3] = seq & 0xff;
  return Buffer.concat([head, body]);
}

const lenencString = (text: string) => {
  const bytes = Buffer.from(text);
  if (bytes.length >= 251) throw new Error('lenenc strings over 250 bytes are not needed here');
  return Buffer.concat([Buffer.from([bytes.length]), bytes]);
};

function uint16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
}

function uint32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
}
