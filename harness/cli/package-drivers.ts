/**
 * Which tlsgate client driver loads each npm package: the undici driver, and every library
 * driver's package as the library catalogue names it. The one answer `inventory --project`
 * (is a package covered?) and `matrix --package` (whose scenarios run?) both read.
 */
import { LIBRARY_CLIENTS } from '../drivers/library/library-catalogue.js';

export const packageDrivers = (): ReadonlyMap<string, string> =>
  new Map([['undici', 'undici'], ...[...LIBRARY_CLIENTS.values()].map((d) => [d.packageName, d.name] as const)]);
