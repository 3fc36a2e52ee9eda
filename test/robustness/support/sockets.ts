/**
 * What the kernel says a process listens on, from /proc (Linux): the authority on which address
 * a server really bound, whatever the server object claims, and for processes we only spawned.
 * A socket belongs to a process when one of its /proc/<pid>/fd links names its inode.
 */
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';

export interface ListeningSocket {
  /** `127.0.0.1`, `::1`, `0.0.0.0`, `::` ... */
  address: string;
  port: number;
  inode: string;
}

export const canReadProc = existsSync('/proc/net/tcp') && existsSync('/proc/self/fd');

const LISTEN = '0A';

/** every TCP socket in state LISTEN on this machine (this network namespace, or the one process `netOf` is in) */
export function listeningSockets(netOf: number | 'self' = 'self'): ListeningSocket[] {
  return [`/proc/${netOf}/net/tcp`, `/proc/${netOf}/net/tcp6`].filter(existsSync).flatMap((file) =>
    readFileSync(file, 'utf8').split('\n').slice(1).flatMap((line) => {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10 || fields[3] !== LISTEN) return [];
      const [addressHex, portHex] = fields[1]!.split(':') as [string, string];
      return [{ address: addressOf(addressHex), port: parseInt(portHex, 16), inode: fields[9]! }];
    }));
}

/** the listening sockets whose inode an fd of `pid` holds, in this network namespace's table or `netOf`'s */
export function listeningSocketsOf(pid: number | 'self', netOf: number | 'self' = 'self'): ListeningSocket[] {
  const inodes = socketInodesOf(pid);
  return listeningSockets(netOf).filter((s) => inodes.has(s.inode));
}

/** the addresses something listens on at `port` */
export const addressesOnPort = (port: number): string[] => listeningSockets().filter((s) => s.port === port).map((s) => s.address);

function socketInodesOf(pid: number | 'self'): Set<string> {
  const dir = `/proc/${pid}/fd`;
  const inodes = new Set<string>();
  for (const fd of readdirSync(dir)) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`${dir}/${fd}`));
      if (match) inodes.add(match[1]!);
    } catch {
      // the fd closed while we looked
    }
  }
  return inodes;
}

/** /proc writes addresses as 32-bit words in host (little-endian) order */
function addressOf(hex: string): string {
  const words = hex.match(/.{8}/g)!.map((w) => Buffer.from(w, 'hex').reverse());
  const bytes = Buffer.concat(words);
  if (bytes.length === 4) return [...bytes].join('.');
  const groups = Array.from({ length: 8 }, (_, i) => bytes.readUInt16BE(i * 2).toString(16));
  return compressIpv6(groups);
}

/** `0:0:0:0:0:0:0:1` -> `::1` (the longest run of zero groups) */
function compressIpv6(groups: string[]): string {
  let best = { start: -1, length: 0 };
  for (let i = 0; i < groups.length;) {
    let j = i;
    while (j < groups.length && groups[j] === '0') j++;
    if (j - i > best.length) best = { start: i, length: j - i };
    i = j === i ? i + 1 : j;
  }
  if (best.length < 2) return groups.join(':');
  const head = groups.slice(0, best.start).join(':');
  const tail = groups.slice(best.start + best.length).join(':');
  return `${head}::${tail}`;
}
