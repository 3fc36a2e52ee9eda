// Preloaded into a benchmarked process (NODE_OPTIONS=--import), and so into every Node process it
// starts that inherits its stderr (the engine worker processes): each prints, at exit, its script,
// its peak RSS and its CPU time (user + system, all its threads). The bench adds them up.
import { basename } from 'node:path';

process.on('exit', () => {
  const usage = process.resourceUsage();
  process.stderr.write(`\ntlsgate-bench-process ${basename(process.argv[1] ?? '?')} max-rss-kb ${usage.maxRSS} cpu-us ${usage.userCPUTime + usage.systemCPUTime}\n`);
});
