/**
 * Packages a library's documentation pairs it with (a proxy agent for got, node-fetch, ws):
 * resolved like the library itself, from the user's project first, so the pair under test is
 * the one the project runs; missing, the scenario is skipped naming it.
 */
import { resolveLibrary } from '../resolve-library.js';
import { moduleExports } from '../library-driver.js';

export async function companion<T>(name: string): Promise<T> {
  const resolved = await resolveLibrary(name, { cwd: process.cwd() });
  const namespace = resolved.module as Record<string, unknown>;
  return (namespace.HttpsProxyAgent ? namespace : moduleExports<Record<string, unknown>>(namespace)) as T;
}
