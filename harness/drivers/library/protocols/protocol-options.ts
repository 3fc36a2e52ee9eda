/**
 * `client.library` of the protocol drivers (pg, mysql2, ioredis, nodemailer), in each library's
 * own option names, so a scenario reads like the code it guards. The pitfalls of
 * ../shared/library-regressions.md are written here as the options users write.
 */
import Type, { type Static } from 'typebox';
import { closed } from '../../../../ca/spec/json-schema.js';

const rejectUnauthorized = Type.Optional(Type.Boolean({
  description: 'rejectUnauthorized in the library\'s TLS options (false turns verification off); default: not set, so the library\'s own default applies.',
}));

export const PgOptionsSchema = closed('pg options (client.library, driver pg).', {
  ssl: Type.Optional(Type.Union([Type.Literal('object'), Type.Literal(true), Type.Literal(false)], {
    description: '`object` (default): `ssl: { ca, cert, key, servername, ... }` as pg\'s docs show; `true`: `ssl: true` (pg\'s own defaults, no ca given); `false`: no TLS.',
  })),
  rejectUnauthorized,
  sslmode: Type.Optional(Type.Union(['disable', 'prefer', 'require', 'verify-ca', 'verify-full', 'no-verify'].map((m) => Type.Literal(m)), {
    description: 'Connect with a connection string `postgres://...?sslmode=<mode>` beside the `ssl` object (the pattern of brianc/node-postgres #2375: the string\'s sslmode may replace the object).',
  })),
});

export const Mysql2OptionsSchema = closed('mysql2 options (client.library, driver mysql2).', {
  ssl: Type.Optional(Type.Union([Type.Literal('object'), Type.Literal('Amazon RDS'), Type.Literal(false)], {
    description: '`object` (default): `ssl: { ca, cert, key, ... }`; `Amazon RDS`: the bundled SSL profile string (sidorares/node-mysql2 #2130); `false`: no TLS.',
  })),
  rejectUnauthorized,
  verifyIdentity: Type.Optional(Type.Boolean({ description: '`ssl.verifyIdentity`: check the certificate against the host name (mysql2 does not by default).' })),
});

export const IoredisOptionsSchema = closed('ioredis options (client.library, driver ioredis).', {
  rejectUnauthorized,
  connectWith: Type.Optional(Type.Union([Type.Literal('options'), Type.Literal('url')], {
    description: '`options` (default): `new Redis({ host, port, tls: {...} })`; `url`: `new Redis("rediss://host:port", { tls: {...} })` (a layer that rebuilds the TLS options, luin/ioredis #947).',
  })),
});

export const NodemailerOptionsSchema = closed('nodemailer options (client.library, driver nodemailer).', {
  rejectUnauthorized,
  secure: Type.Optional(Type.Boolean({ description: '`secure`: true for implicit TLS (port 465, server driver smtps); default false (STARTTLS).' })),
  requireTLS: Type.Optional(Type.Boolean({ description: '`requireTLS`: refuse to send unless STARTTLS succeeded; default true here (a mail server that must be TLS).' })),
  ignoreTLS: Type.Optional(Type.Boolean({ description: '`ignoreTLS`: never STARTTLS, send in plain text.' })),
  tlsServername: Type.Optional(Type.String({
    minLength: 1,
    description: '`tls.servername`: the name sent as SNI and checked, while `host` is the scenario\'s servername (e.g. an IP literal; nodemailer/nodemailer #1315). Default: not set, so nodemailer derives it from `host`.',
  })),
});

export type PgOptions = Static<typeof PgOptionsSchema>;
export type Mysql2Options = Static<typeof Mysql2OptionsSchema>;
export type IoredisOptions = Static<typeof IoredisOptionsSchema>;
export type NodemailerOptions = Static<typeof NodemailerOptionsSchema>;
