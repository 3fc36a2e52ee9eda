/**
 * Client driver `nodemailer`: `createTransport({ host, port, secure, requireTLS, tls: {...} })`
 * and `sendMail`, as nodemailer's SMTP documentation shows: `secure: true` for implicit TLS,
 * else STARTTLS (`requireTLS` on by default here: a mail server that must be TLS); the TLS
 * options in `tls`; `tls.servername` only when client.library.tlsServername says so (nodemailer
 * otherwise derives the name from `host`). The socket comes from nodemailer's `getSocket` hook,
 * so `host` is the scenario's servername. Accepted only when the server accepted the mail.
 */
import type { Socket } from 'node:net';
import { moduleExports, type LibraryClient } from '../library-driver.js';
import { protocolExchange, protocolTarget, protocolTlsOptions } from './protocol-exchange.js';
import type { NodemailerOptions } from './protocol-options.js';

interface SentInfo { accepted: unknown[]; response: string }
interface Transporter { sendMail(mail: object): Promise<SentInfo>; close(): void }
type NodemailerModule = { createTransport(options: object): Transporter };

export const client: LibraryClient = {
  connect(library, plan, _hooks, signal) {
    const nodemailer = moduleExports<NodemailerModule>(library.module);
    const options = (plan.library ?? {}) as NodemailerOptions;
    const where = protocolTarget(plan);
    const tls = { ...protocolTlsOptions(plan, where.target), ...(options.tlsServername ? { servername: options.tlsServername } : {}) };
    const transporter = nodemailer.createTransport({
      host: where.host,
      port: plan.port,
      secure: options.secure ?? false,
      requireTLS: options.requireTLS ?? !options.ignoreTLS,
      ...(options.ignoreTLS ? { ignoreTLS: true } : {}),
      tls,
      connectionTimeout: plan.timeoutMs,
      greetingTimeout: plan.timeoutMs,
      getSocket: (_opts: object, callback: (err: Error | null, socketOptions?: { connection: Socket }) => void) => {
        const socket = where.socket();
        socket.once('connect', () => callback(null, { connection: socket }));
        socket.once('error', (err) => callback(err));
      },
    });
    return protocolExchange(plan, signal, {
      run: async () => {
        const info = await transporter.sendMail({ from: 'tlsgate@example.test', to: 'inbox@example.test', subject: 'tlsgate', text: 'tlsgate-ping' });
        return { answer: info };
      },
      answered: (info) => info.accepted.length === 1 && /^250\b/.test(info.response),
      describe: (info) => JSON.stringify(info.response),
      close: () => transporter.close(),
    });
  },
};
