#!/usr/bin/env node
// npm run bench: times and peak memory of the built CLI against the sandbox, as a user runs it
// (a new process each time). Prints figures and ratios; timing is for a benchmark, never a test.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const BIN = resolve(import.meta.dirname, '../bin/asg-wizard.js');
const RSS_HOOK = 'data:text/javascript,process.on("exit",()=>process.stderr.write("\\nBENCH_RSS_KB="+process.resourceUsage().maxRSS+"\\n"))';
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

function run(args, env = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--import', RSS_HOOK, BIN, ...args], {
    encoding: 'utf8', env: { ...process.env, CI: 'true', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const rss = Number(/BENCH_RSS_KB=(\d+)/.exec(r.stderr)?.[1] ?? NaN) / 1024;
  if (r.status !== 0) throw new Error(`asg-wizard ${args.join(' ')} exited ${r.status}:\n${r.stderr}`);
  return { ms, rss };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function measure(label, make) {
  const samples = [];
  for (let i = 0; i < RUNS; i++) samples.push(make(i));
  const ms = median(samples.map((s) => s.ms));
  const rss = Math.max(...samples.map((s) => s.rss));
  console.log(`${label.padEnd(44)} ${ms.toFixed(0).padStart(6)} ms (median of ${RUNS})   peak RSS ${rss.toFixed(1).padStart(6)} MiB`);
  return { ms, rss };
}

const dir = mkdtempSync(join(tmpdir(), 'asgw-bench-'));
try {
  console.log(`asg-wizard benchmark on node ${process.version}, sandbox latency: instant\n`);
  const version = measure('--version (start-up)', () => run(['--version']));
  const help = measure('--help', () => run(['--help']));
  const firstUp = measure('up --yes, fresh sandbox account', (i) => run(['up', '--yes', '--sandbox', join(dir, `fresh-${i}.json`)]));
  const file = join(dir, 'built.json');
  run(['up', '--yes', '--sandbox', file]);
  const secondUp = measure('up --yes, stack already built (0 writes)', () => run(['up', '--yes', '--sandbox', file]));
  const plan = measure('plan --json, stack already built', () => run(['plan', '--json', '--sandbox', file]));
  const calls = () => JSON.parse(readFileSync(file, 'utf8')).calls;
  const before = calls().length;
  run(['up', '--yes', '--sandbox', file]);
  const rerunCalls = calls().slice(before);
  const first = join(dir, 'fresh-0.json');
  const firstCalls = JSON.parse(readFileSync(first, 'utf8')).calls;
  // Answers of AWS's lags (not yet visible, not yet propagated, still held) are calls too, retried.
  const lagged = firstCalls.filter((c) => c.lag).length;
  console.log(`\nAWS calls: first up ${firstCalls.length} (${firstCalls.filter((c) => c.mutating).length} writes, ${lagged} answered by AWS's lags and retried), re-run ${rerunCalls.length} (${rerunCalls.filter((c) => c.mutating).length} writes)`);
  console.log('\nRatios');
  console.log(`  re-run up / first up          ${(secondUp.ms / firstUp.ms).toFixed(2)}`);
  console.log(`  plan / first up               ${(plan.ms / firstUp.ms).toFixed(2)}`);
  console.log(`  start-up / plan               ${(version.ms / plan.ms).toFixed(2)}`);
  console.log(`  --help / --version            ${(help.ms / version.ms).toFixed(2)}`);
  console.log(`  peak RSS up / --version       ${(firstUp.rss / version.rss).toFixed(2)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
