/**
 * The tools need a port number up front (no port 0), so one is chosen the safe way: bind
 * port 0 on the loopback address, read the port the system gave, release it, hand it to the
 * tool. Another process may take it in between: the server drivers then retry with a new one.
 */
import { readFileSync } from 'node:fs';
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
 * Whether something listens on host:port, from the kernel's socket table (/proc/net/tcp,
 * tcp6): a tool that prints nothing when it listens (s_server -brief buffers its ACCEPT) is
 * ready once the kernel says so, without a probe connection the tool would log. Undefined
 * where there is no /proc.
 */
export function listensOn(host: string, port: number): boolean | undefined {
  const file = host.includes(':') ? '/proc/net/tcp6' : '/proc/net/tcp';
  let table: string;
  try {
    table = readFileSync(file, 'latin1');
  } catch {
    return undefined;
  }
  const portHex = port.toString(16).toUpperCase().padStart(4, '0');
  return table.split('\n').some((line) => {
    const [, local, , state] = line.trim().split(/\s+/);
    return state === '0A' && local?.endsWith(`:${portHex}`);
  });
}
