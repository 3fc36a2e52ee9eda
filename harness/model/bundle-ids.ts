/**
 * The ids of a PEM bundle's certificates (`pki.files`): `id` is the first, `id#2`, `id#3`… the
 * others. Checking the files and loading them for a run both name them so.
 */
export const bundleIds = (id: string, count: number): string[] =>
  Array.from({ length: count }, (_, i) => (i === 0 ? id : `${id}#${i + 1}`));
