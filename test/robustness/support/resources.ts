/**
 * What keeps a Node process alive, by kind (`process.getActiveResourcesInfo()`: TCPServerWrap,
 * TCPSocketWrap, Timeout, FSReqCallback, ...), and the difference between two moments.
 */
export type ResourceCounts = Record<string, number>;

export function activeResources(): ResourceCounts {
  const counts: ResourceCounts = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

/** kinds there are more of now than before, and how many more */
export function leftOver(before: ResourceCounts, after: ResourceCounts): ResourceCounts {
  const extra: ResourceCounts = {};
  for (const [kind, n] of Object.entries(after)) if (n > (before[kind] ?? 0)) extra[kind] = n - (before[kind] ?? 0);
  return extra;
}

/** lets closes, destroyed sockets and cleared timers land before counting */
export async function settle(ms = 50): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setTimeout(resolve, ms));
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
}
