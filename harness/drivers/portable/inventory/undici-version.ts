/**
 * Which undici the undici driver tests: the shared resolver's answer for `undici`
 * (package-location.ts), so undici honours an override folder exactly as the library drivers do.
 */
import { locatePackage, type LocateOptions, type PackageLocation } from './package-location.js';

export const locateUndici = (opts: LocateOptions = {}): PackageLocation | undefined => locatePackage('undici', opts);
