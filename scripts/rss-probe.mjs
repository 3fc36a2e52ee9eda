// Preloaded into a benchmarked process (NODE_OPTIONS=--import): prints its peak RSS and its CPU
// time (user + system, every thread: the main one and the engine workers) at exit.
process.on('exit', () => {
  const usage = process.resourceUsage();
  process.stderr.write(`\ntlsgate-bench-max-rss-kb ${usage.maxRSS}\ntlsgate-bench-cpu-us ${usage.userCPUTime + usage.systemCPUTime}\n`);
});
