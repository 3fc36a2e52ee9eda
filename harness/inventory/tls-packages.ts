/**
 * The project's TLS inventory: every package in its lockfiles that opens TLS connections on the
 * application's behalf, every installed copy and version, and the tlsgate driver that tests it
 * (the caller says which driver loads which package: harness/cli/package-drivers.ts).
 */
import type { Lockfile } from './lockfiles.js';

/** TLS-bearing packages, with or without a tlsgate driver */
export const TLS_PACKAGES: ReadonlyArray<{ name: string; what: string }> = [
  { name: 'undici', what: 'HTTP client (Node fetch)' },
  { name: 'axios', what: 'HTTP client' },
  { name: 'got', what: 'HTTP client' },
  { name: 'node-fetch', what: 'HTTP client' },
  { name: 'superagent', what: 'HTTP client' },
  { name: 'https-proxy-agent', what: 'HTTP proxy tunnel' },
  { name: 'ws', what: 'WebSocket' },
  { name: 'socket.io-client', what: 'WebSocket' },
  { name: '@grpc/grpc-js', what: 'gRPC' },
  { name: 'pg', what: 'PostgreSQL' },
  { name: 'mysql2', what: 'MySQL' },
  { name: 'mysql', what: 'MySQL' },
  { name: 'tedious', what: 'SQL Server' },
  { name: 'mongodb', what: 'MongoDB' },
  { name: 'ioredis', what: 'Redis' },
  { name: 'redis', what: 'Redis' },
  { name: 'nodemailer', what: 'SMTP (STARTTLS, implicit TLS)' },
  { name: 'kafkajs', what: 'Kafka' },
  { name: 'amqplib', what: 'AMQP' },
  { name: 'mqtt', what: 'MQTT' },
  { name: 'ldapts', what: 'LDAP' },
  { name: 'ldapjs', what: 'LDAP' },
];

export interface TlsPackage {
  name: string;
  what: string;
  /** the client driver that loads this package, when tlsgate has one */
  driver?: string;
  covered: boolean;
  /** every installed copy, sorted by version then place */
  copies: Array<{ version: string; where: string; lockfile: string }>;
}

export interface ProjectInventory {
  project: string;
  lockfiles: Array<{ file: string; kind: string }>;
  packages: TlsPackage[];
  /** names of TLS-bearing packages installed with no driver */
  uncovered: string[];
}

/** `drivers`: package name -> the client driver that loads it */
export function projectInventory(project: string, lockfiles: readonly Lockfile[], drivers: ReadonlyMap<string, string>): ProjectInventory {
  const packages = TLS_PACKAGES.flatMap((p) => {
    const copies = lockfiles.flatMap((l) => l.copies.filter((c) => c.name === p.name).map((c) => ({ version: c.version, where: c.where, lockfile: l.file })));
    if (copies.length === 0) return [];
    copies.sort((a, b) => a.version.localeCompare(b.version, 'en', { numeric: true }) || a.where.localeCompare(b.where));
    const driver = drivers.get(p.name);
    return [{ name: p.name, what: p.what, ...(driver ? { driver } : {}), covered: driver !== undefined, copies }];
  });
  return {
    project,
    lockfiles: lockfiles.map((l) => ({ file: l.file, kind: l.kind })),
    packages,
    uncovered: packages.filter((p) => !p.covered).map((p) => p.name),
  };
}

/** `pg 8.11.3`, `ws 7.5.9 + 8.16.0`: the versions a baseline records, one line per package */
export const versionsByPackage = (inv: ProjectInventory): Record<string, string> =>
  Object.fromEntries(inv.packages.map((p) => [p.name, [...new Set(p.copies.map((c) => c.version))].join(' + ')]));

export function renderProjectInventory(inv: ProjectInventory): string {
  const out = [`TLS inventory of ${inv.project} (${inv.lockfiles.map((l) => `${l.file} [${l.kind}]`).join(', ')})`, ''];
  if (inv.packages.length === 0) out.push('no TLS-bearing package installed');
  for (const p of inv.packages) {
    out.push(`${p.name} (${p.what}): ${p.covered ? `covered by the ${p.driver} driver` : 'NOT COVERED (no tlsgate driver)'}`);
    for (const c of p.copies) out.push(`  ${c.version}  ${c.where}`);
  }
  out.push('', inv.uncovered.length ? `uncovered: ${inv.uncovered.join(', ')}` : 'every TLS-bearing package has a driver');
  return `${out.join('\n')}\n`;
}
