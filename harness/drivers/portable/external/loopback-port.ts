/**
 * The tools need a port number up front (no port 0), so one is chosen the safe way: bind
 * port 0 on the loopback address, read the port the system gave, release it, hand it to the
 * tool. Another process may take it in between: the server drivers then retry with a new one.
 */
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
