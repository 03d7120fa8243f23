// Preloaded by the bench into a measured node process (`node --require ./bench/peak-rss.cjs ...`): as the process
// exits, it writes its own peak resident set size to stderr.
//
// VmHWM of /proc/self/status: the high-water mark of this process's address space since its exec, all threads
// (worker threads too) included, children not. Not process.resourceUsage().maxRSS: Linux carries ru_maxrss across
// exec, so a process forked from the large bench process reports the pages it shared with it before exec (seen:
// 44 MB for `node -e 0` spawned by the bench, 40.5 MB spawned by /usr/bin/time). maxRSS is the fallback without /proc.
// CommonJS and --require, because --import would start the ESM loader early and add ~2.5 MB to `node -e 0`.
// writeSync, because an 'exit' listener cannot wait for an asynchronous write.
'use strict';
const { readFileSync, writeSync } = require('node:fs');

process.on('exit', () => {
  let kb;
  try {
    kb = Number(/^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))[1]);
  } catch {
    kb = process.resourceUsage().maxRSS;
  }
  writeSync(2, `\nainative-bench-peak-rss-kb=${kb}\n`);
});
