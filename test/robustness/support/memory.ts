/**
 * Heap measurements that mean something: garbage collected first. `--expose-gc` is not needed:
 * the flag can be switched on at run time, and a fresh context then hands out `gc`.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Gc = () => void;

let gc: Gc | undefined;

function collector(): Gc {
  if (gc) return gc;
  const exposed = (globalThis as { gc?: Gc }).gc;
  if (exposed) return (gc = exposed);
  setFlagsFromString('--expose-gc');
  return (gc = runInNewContext('gc') as Gc);
}

/** heapUsed after full collections, once pending callbacks (closed sockets, timers) have run */
export async function settledHeapBytes(): Promise<number> {
  const collect = collector();
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    collect();
  }
  return process.memoryUsage().heapUsed;
}

export const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
