// Preloaded into a benchmarked process (NODE_OPTIONS=--import): prints its peak RSS at exit.
process.on('exit', () => process.stderr.write(`\ntlsgate-bench-max-rss-kb ${process.resourceUsage().maxRSS}\n`));
