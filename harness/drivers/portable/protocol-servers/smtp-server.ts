/**
 * Server drivers `smtp` (STARTTLS, as on ports 25/587) and `smtps` (implicit TLS, port 465):
 * enough ESMTP for a mail client to reach its verdict, over real node:tls.
 *
 *   smtp:  220 greeting; EHLO advertises STARTTLS; STARTTLS -> 220, then the handshake on the
 *          same socket; MAIL before TLS is refused (530 5.7.0 Must issue a STARTTLS command
 *          first), as a server that requires TLS does;
 *   TLS:   (smtps: the 220 greeting first) EHLO/HELO, MAIL, RCPT, DATA ... "." ->
 *          `250 2.0.0 Ok: queued as tlsgate-ok`, RSET/NOOP -> 250, QUIT -> 221 and close.
 */
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { ServerObservation } from '../../../model/domain.js';
import { OK_BODY } from '../client-common.js';
import { tlsServerDriver, type Conversation } from '../node/node-tls-server.js';
import { ByteReader } from './byte-reader.js';
import { PLAINTEXT_REFUSED } from './protocol-codes.js';

const HOST = 'tlsgate.smtp';

const starttls: Conversation = {
  async beforeTls(raw: Socket, record: ServerObservation): Promise<boolean> {
    const reader = new ByteReader(raw);
    raw.write(`220 ${HOST} ESMTP tlsgate\r\n`);
    for (;;) {
      const line = await reader.line();
      if (line === undefined) return false;
      const verb = line.split(' ')[0]!.toUpperCase();
      if (verb === 'STARTTLS') {
        reader.stop();
        raw.write('220 2.0.0 Ready to start TLS\r\n');
        return true;
      }
      if (verb === 'EHLO') raw.write(`250-${HOST}\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 STARTTLS\r\n`);
      else if (verb === 'HELO' || verb === 'NOOP' || verb === 'RSET') raw.write(`250 ${HOST}\r\n`);
      else if (verb === 'QUIT') {
        raw.end('221 2.0.0 Bye\r\n');
        return false;
      } else {
        record.errorCode = PLAINTEXT_REFUSED;
        record.errorMessage = `the client sent ${verb} without STARTTLS`;
        raw.write('530 5.7.0 Must issue a STARTTLS command first\r\n');
      }
    }
  },
  afterTls(socket: TLSSocket): void {
    void serveMail(socket);
  },
};

const implicitTls: Conversation = {
  afterTls(socket: TLSSocket): void {
    socket.write(`220 ${HOST} ESMTP tlsgate\r\n`);
    void serveMail(socket);
  },
};

export const smtpServer = tlsServerDriver('smtp', starttls);
export const smtpsServer = tlsServerDriver('smtps', implicitTls);

async function serveMail(socket: TLSSocket): Promise<void> {
  const reader = new ByteReader(socket);
  for (;;) {
    const line = await reader.line();
    if (line === undefined) return;
    const verb = line.split(' ')[0]!.toUpperCase();
    switch (verb) {
      case 'EHLO': socket.write(`250-${HOST}\r\n250-PIPELINING\r\n250 8BITMIME\r\n`); break;
      case 'HELO': case 'MAIL': case 'RCPT': case 'RSET': case 'NOOP': socket.write('250 2.1.0 Ok\r\n'); break;
      case 'DATA':
        socket.write('354 End data with <CR><LF>.<CR><LF>\r\n');
        for (let body = await reader.line(); body !== '.'; body = await reader.line()) if (body === undefined) return;
        socket.write(`250 2.0.0 Ok: queued as ${OK_BODY}\r\n`);
        break;
      case 'QUIT': return void socket.end('221 2.0.0 Bye\r\n');
      case 'STARTTLS': socket.write('503 5.5.1 TLS already active\r\n'); break;
      default: socket.write('502 5.5.2 Command not recognized\r\n');
    }
  }
}
