/**
 * Server driver `postgres`: enough of the PostgreSQL frontend/backend protocol (v3) for a client
 * library to reach its verdict, over real node:tls.
 *
 *   plain:  client SSLRequest (8 bytes) -> 'S', then the TLS handshake on the same socket
 *           (a GSSENCRequest gets 'N'; a StartupMessage without TLS is refused as a
 *           `hostssl`-only server refuses it: FATAL 28000 "... no encryption");
 *   TLS:    StartupMessage -> AuthenticationOk, ParameterStatus, BackendKeyData, ReadyForQuery;
 *           each simple Query -> one row, one text column `answer` = `tlsgate-ok`; Terminate ends.
 *
 * Client certificates as PostgreSQL enforces them (`ssl_ca_file` + `clientcert=verify-ca` in
 * pg_hba.conf): a certificate presented must verify, or the handshake fails; a missing one is
 * refused only at authentication, after the handshake, with FATAL 28000 "connection requires a
 * valid client certificate".
 */
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { certificateCheckedAtLogin, loginCertificateAllowed } from './login-certificate.js';
import { PLAINTEXT_REFUSED } from './protocol-codes.js';
import { OK_BODY } from '../client-common.js';
import type { ServerObservation } from '../../../model/domain.js';
import { tlsServerDriver, type Conversation } from '../node/node-tls-server.js';
import { ByteReader } from './byte-reader.js';
import type { ServerPlan } from '../types.js';

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;

const conversation: Conversation = {
  async beforeTls(raw: Socket, record: ServerObservation): Promise<boolean> {
    const reader = new ByteReader(raw);
    for (;;) {
      const head = await reader.bytes(8);
      if (!head) return false;
      const code = head.readInt32BE(4);
      if (code === SSL_REQUEST) {
        reader.stop();
        raw.write('S');
        return true;
      }
      if (code === GSSENC_REQUEST) {
        raw.write('N');
        continue;
      }
      const rest = await reader.bytes(Math.max(0, head.readInt32BE(0) - 8));
      const params = startupParameters(Buffer.concat([head.subarray(4), rest ?? Buffer.alloc(0)]));
      const reason = `no pg_hba.conf entry for host "${raw.remoteAddress}", user "${params.user ?? ''}", database "${params.database ?? params.user ?? ''}", no encryption`;
      record.errorCode = PLAINTEXT_REFUSED;
      record.errorMessage = `the client started without TLS (${reason})`;
      raw.end(errorResponse('28000', reason));
      return false;
    }
  },
  tlsPlan: certificateCheckedAtLogin,
  afterTls(socket: TLSSocket, record: ServerObservation, plan: ServerPlan): void {
    void serve(socket, record, plan);
  },
};

export const postgresServer = tlsServerDriver('postgres', conversation);

async function serve(socket: TLSSocket, record: ServerObservation, plan: ServerPlan): Promise<void> {
  const reader = new ByteReader(socket);
  const length = await reader.bytes(4);
  if (!length) return;
  const startup = await reader.bytes(length.readInt32BE(0) - 4);
  if (!startup) return;
  if (!loginCertificateAllowed(socket, record, plan, {
    message: 'connection requires a valid client certificate (refused at authentication)',
    answer: errorResponse('28000', 'connection requires a valid client certificate'),
  })) return;
  socket.write(Buffer.concat([
    message('R', int32(0)),
    message('S', cstrings('server_version', '15.0 (tlsgate)')),
    message('S', cstrings('client_encoding', 'UTF8')),
    message('S', cstrings('standard_conforming_strings', 'on')),
    message('K', Buffer.concat([int32(process.pid), int32(0x746c7367)])),
    readyForQuery(),
  ]));
  for (;;) {
    const head = await reader.bytes(5);
    if (!head) return;
    const body = await reader.bytes(head.readInt32BE(1) - 4);
    if (!body) return;
    const type = String.fromCharCode(head[0]!);
    if (type === 'X') return void socket.end();
    socket.write(type === 'Q' ? queryAnswer() : Buffer.concat([errorResponse('0A000', `message '${type}' is not supported by tlsgate's postgres server`, 'ERROR'), readyForQuery()]));
  }
}

function startupParameters(body: Buffer): Record<string, string> {
  const words = body.subarray(4).toString('utf8').split('\0');
  const params: Record<string, string> = {};
  for (let i = 0; i + 1 < words.length && words[i]; i += 2) params[words[i]!] = words[i + 1]!;
  return params;
}

/** one row: `answer` (text) = tlsgate-ok */
function queryAnswer(): Buffer {
  const TEXT_OID = 25;
  const field = Buffer.concat([cstrings('answer'), int32(0), int16(0), int32(TEXT_OID), int16(-1), int32(-1), int16(0)]);
  const value = Buffer.from(OK_BODY);
  return Buffer.concat([
    message('T', Buffer.concat([int16(1), field])),
    message('D', Buffer.concat([int16(1), int32(value.length), value])),
    message('C', cstrings('SELECT 1')),
    readyForQuery(),
  ]);
}

function errorResponse(sqlState: string, text: string, severity = 'FATAL'): Buffer {
  const fields = Buffer.concat([
    Buffer.from('S'), cstrings(severity), Buffer.from('V'), cstrings(severity),
    Buffer.from('C'), cstrings(sqlState), Buffer.from('M'), cstrings(text), Buffer.from([0]),
  ]);
  return message('E', fields);
}

const readyForQuery = () => message('Z', Buffer.from('I'));

function message(type: string, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(type), int32(body.length + 4), body]);
}

const cstrings = (...words: string[]) => Buffer.concat(words.map((w) => Buffer.from(`${w}\0`, 'utf8')));

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

function int16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n);
  return b;
}
