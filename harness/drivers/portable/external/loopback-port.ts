/**
 * The tools need a port number up front (no port 0), so one is chosen the safe way: bind
 * port 0 on the loopback address, read the port the system gave, release it, hand it to the
 * tool. Another process may take it in between: the server drivers then retry with a new one.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
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
  const file = host.includes(':') ? '/proc/net/tcp6' : '/proc/net/tcp';
  let table: string;
  try {
    table = readFileSync(file, 'latin1');
  } catch {
    return undefined;
  }
  const portHex = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = table.split('\n').flatMap((line) => {
    const fields = line.trim().split(/\s+/);
    return fields[3] === '0A' && fields[1]?.endsWith(`:${portHex}`) && fields[9] ? [fields[9]] : [];
  });
  return pid !== undefined && inodes.some((inode) => ownsSocket(pid, inode));
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
