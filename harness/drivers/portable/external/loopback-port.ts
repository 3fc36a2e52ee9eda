/**
 * The tools need a port number up front (no port 0), so one is chosen the safe way: bind
 * port 0 on the loopback address, read the port the system gave, release it, hand it to the
 * tool. Another process may take it in between: the server drivers then retry with a new one.
 */
import { closeSync, openSync, readdirSync, readlinkSync, readSync } from 'node:fs';
import { createServer } from 'node:net';

export function freeLoopbackPort(host: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** how many ports a server driver tries before it gives up */
export const PORT_ATTEMPTS = 5;

/**
 * Whether process `pid` listens on host:port, from the kernel's socket table (/proc/net/tcp,
 * tcp6) and the process's own descriptors: a tool that prints nothing when it listens
 * (s_server -brief buffers its ACCEPT) is ready once the kernel says its socket listens, without
 * a probe connection the tool would log. The socket must be the tool's own: another process
 * (or this one) may have taken the port between the probe and the tool's bind, and the tool,
 * failing, would look ready through that other listener. Undefined where there is no /proc.
 */
export function listensOn(host: string, port: number, pid: number | undefined): boolean | undefined {
  const inodes = listeningInodes(host.includes(':') ? '/proc/net/tcp6' : '/proc/net/tcp', port);
  if (inodes === undefined) return undefined;
  return pid !== undefined && inodes.some((inode) => ownsSocket(pid, inode));
}

const LISTEN = '0A';
const CHUNK_BYTES = 64 * 1024;

/**
 * The inodes of the sockets listening on `port`, reading the table only as far as its listening
 * sockets go. The kernel lists every listening socket before any other (its listening hash, then
 * the established one, where TIME_WAIT sockets sit too). A run leaves thousands of those, and
 * reading the whole table every 5 ms while a tool starts was 1.3 s of the catalogue's CPU.
 */
function listeningInodes(file: string, port: number): string[] | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return undefined;
  }
  const portHex = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes: string[] = [];
  const chunk = Buffer.alloc(CHUNK_BYTES);
  let rest = '';
  let header = true;
  try {
    for (;;) {
      const read = readSync(fd, chunk, 0, CHUNK_BYTES, null);
      const lines = (rest + chunk.toString('latin1', 0, read)).split('\n');
      rest = read === 0 ? '' : lines.pop()!;
      for (const line of lines) {
        if (header) { header = false; continue; }
        const fields = line.trim().split(/\s+/);
        if (fields.length < 10) continue;
        if (fields[3] !== LISTEN) return inodes;
        if (fields[1]!.endsWith(`:${portHex}`)) inodes.push(fields[9]!);
      }
      if (read === 0) return inodes;
    }
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** whether one of the process's descriptors is socket `inode` */
function ownsSocket(pid: number, inode: string): boolean {
  const dir = `/proc/${pid}/fd`;
  let fds: string[];
  try {
    fds = readdirSync(dir);
  } catch {
    return false;
  }
  const wanted = `socket:[${inode}]`;
  return fds.some((fd) => {
    try {
      return readlinkSync(`${dir}/${fd}`) === wanted;
    } catch {
      return false;
    }
  });
}
