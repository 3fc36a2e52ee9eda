import { isAbsolute } from 'node:path';

/**
 * A driver name that names a module rather than a built-in driver: it starts with `.` or `/`
 * (or is absolute), or ends with `.js`/`.mjs`. Kept apart from registry.ts so the scenario
 * loader can tell without loading every driver.
 */
export const isModulePath = (name: string): boolean =>
  name.startsWith('.') || name.startsWith('/') || isAbsolute(name) || /\.m?js$/.test(name);
