/** Version numbers. Standard library only: the drivers' worker (any Node) uses it too. */

/** numeric order of x.y.z versions (missing parts count as 0) */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
