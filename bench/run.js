#!/usr/bin/env node
// npm run bench: how fast the built CLI is, as a user runs it (a new process each time) against
// the sandbox at its default latency (instant). A benchmark, never a test: it times real runs.
//
// Every figure is measured side by side in this one run: the runs of a command are interleaved
// with runs of a bare `node -e 0`, so a busy machine slows both alike, and a ratio is the median
// of the ratios of neighbouring runs. Each figure is printed with the command that produced it;
// the output ends with one `key=value` line per figure. A new figure is one more function in
// FIGURES: it gets the bench context and returns its `key=value` figures.
import { spawnSync } from 'node:child_process';
import { cpus, totalmem, tmpdir } from 'node:os';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const BIN = resolve(ROOT, 'bin/asg-wizard.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const UP_RUNS = Number(process.env.BENCH_UP_RUNS ?? 5);

/** Targets from the issue (met when the figure is at most this), by the item. */
const TARGETS = {
  help_vs_node: [1.5, '2. start-up'],
  plan_vs_node: [6, '2. start-up'],
  rerun_up_calls: [25, '3. API economy'],
};

/** What is measured and printed, in order; each returns its figures as { key: value }. */
const FIGURES = [startup, provisioning, apiEconomy];

/** Where the runs' sandbox accounts live; removed at the end. */
const DIR = mkdtempSync(join(tmpdir(), 'asgw-bench-'));
/** Preloaded by runs that report peak memory: the process's own max RSS as it exits. */
const RSS_HOOK = join(DIR, 'rss.cjs');

function main() {
  writeFileSync(RSS_HOOK, 'process.on("exit",()=>process.stderr.write("\\nBENCH_RSS_KB="+process.resourceUsage().maxRSS+"\\n"));\n');
  const ctx = { dir: DIR, runs: RUNS, upRuns: UP_RUNS, run, sideBySide, show };
  console.log(`asg-wizard bench: node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model.trim() ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB memory`);
  console.log(`sandbox latency: instant (the default); ${RUNS} interleaved runs per start-up figure (BENCH_RUNS), ${UP_RUNS} for up (BENCH_UP_RUNS)`);
  const figures = {};
  try {
    for (const figure of FIGURES) Object.assign(figures, figure(ctx));
  } finally {
    rmSync(DIR, { recursive: true, force: true });
  }
  console.log('\nTargets');
  for (const [key, [target, item]] of Object.entries(TARGETS)) {
    console.log(`  ${key.padEnd(16)} ${fmt(figures[key]).padStart(7)}  target ≤ ${target}: ${figures[key] <= target ? 'met' : 'NOT met'}  (${item})`);
  }
  console.log('');
  for (const [key, value] of Object.entries(figures)) console.log(`${key}=${fmt(value)}`);
}

// ---- Figures ------------------------------------------------------------------------------------

/** 2. Start-up: --help, and plan on a built stack, each against a bare node side by side. */
function startup(ctx) {
  const built = join(ctx.dir, 'built.json');
  const pristine = join(ctx.dir, 'built.pristine.json');
  ctx.run(['up', '--yes', '--sandbox', built]);
  copyFileSync(built, pristine);
  console.log('\nStart-up (each command interleaved with `node -e 0`)');
  const help = ctx.sideBySide(['--help']);
  // Every plan starts from the same account: the sandbox's call log grows with each run, and
  // with it the file the sandbox writes back after each call.
  const plan = ctx.sideBySide(['plan', '--sandbox', built], () => copyFileSync(pristine, built));
  ctx.show(`node -e 0`, `${fmt(help.baselineMs)} ms (median, beside --help)`);
  ctx.show(cmd(['--help']), `${fmt(help.ms)} ms   ${fmt(help.ratio)} × node`);
  ctx.show(`node -e 0`, `${fmt(plan.baselineMs)} ms (median, beside plan)`);
  ctx.show(cmd(['plan', '--sandbox', 'built.json']) + '  (stack built)', `${fmt(plan.ms)} ms   ${fmt(plan.ratio)} × node`);
  const node = median([...help.baselines, ...plan.baselines]);
  return { node_ms: Math.round(node), help_ms: Math.round(help.ms), help_vs_node: help.ratio, plan_ms: Math.round(plan.ms), plan_vs_node: plan.ratio };
}

/** 4. Memory, and the time of a whole `up` on a fresh account. */
function provisioning(ctx) {
  console.log('\nProvisioning (a fresh sandbox account each run)');
  const runs = [];
  for (let i = 0; i < ctx.upRuns; i++) runs.push(ctx.run(['up', '--yes', '--sandbox', join(ctx.dir, `fresh-${i}.json`)], { rss: true }));
  const ms = median(runs.map((r) => r.ms));
  const rss = Math.max(...runs.map((r) => r.rssMb));
  ctx.show(cmd(['up', '--yes', '--sandbox', 'fresh.json']), `${fmt(ms)} ms (median of ${ctx.upRuns}), peak RSS ${fmt(rss)} MiB (max)`);
  return { up_ms: Math.round(ms), up_peak_rss_mb: Math.round(rss) };
}

/** 3 (part). AWS calls, from the sandbox's call log: a full up, and a plan of what is built. */
function apiEconomy(ctx) {
  console.log('\nAWS calls (the sandbox\'s call log)');
  const fresh = join(ctx.dir, 'calls-fresh.json');
  const up = callsOf(fresh, () => ctx.run(['up', '--yes', '--sandbox', fresh]));
  const plan = callsOf(fresh, () => ctx.run(['plan', '--sandbox', fresh]));
  const rerun = callsOf(fresh, () => ctx.run(['up', '--yes', '--sandbox', fresh]));
  // Answers of AWS's lags (not yet visible, not yet propagated, still held) are calls too, retried.
  ctx.show(cmd(['up', '--yes', '--sandbox', 'fresh.json']), `${up.length} calls, ${writes(up)} writes, ${up.filter((c) => c.lag).length} answered by AWS's lags and retried`);
  ctx.show(cmd(['plan', '--sandbox', 'fresh.json']) + '  (stack built)', `${plan.length} calls, ${writes(plan)} writes`);
  ctx.show(cmd(['up', '--yes', '--sandbox', 'fresh.json']) + '  (again)', `${rerun.length} calls, ${writes(rerun)} writes`);
  return { plan_calls: plan.length, up_calls: up.length, rerun_up_calls: rerun.length, rerun_up_writes: writes(rerun) };
}

// ---- Measuring ----------------------------------------------------------------------------------

/** Runs `node` with `args` and the bench's environment; wall time in ms (and peak RSS). */
function spawnTimed(args, { rss = false } = {}) {
  const argv = rss ? ['--require', RSS_HOOK, ...args] : args;
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, argv, {
    encoding: 'utf8',
    cwd: DIR,
    env: { ...process.env, CI: 'true', NO_COLOR: '1', ASG_WIZARD_SANDBOX_LATENCY: 'instant' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}:\n${r.stderr}`);
  const rssMb = Number(/BENCH_RSS_KB=(\d+)/.exec(r.stderr)?.[1] ?? NaN) / 1024;
  return { ms, rssMb };
}

/** One run of the CLI. */
function run(args, o) {
  return spawnTimed([BIN, ...args], o);
}

/**
 * The CLI with `args` and a bare `node -e 0`, alternately, RUNS times each (after a warm-up);
 * `reset` runs, untimed, before each run of the CLI.
 */
function sideBySide(args, reset = () => {}) {
  const node = () => spawnTimed(['-e', '0']);
  const cli = () => {
    reset();
    return run(args);
  };
  cli();
  node();
  const subject = [];
  const baselines = [];
  const ratios = [];
  for (let i = 0; i < RUNS; i++) {
    // Which goes first alternates, so neither always follows the other.
    let a;
    let b;
    if (i % 2) {
      a = cli();
      b = node();
    } else {
      b = node();
      a = cli();
    }
    subject.push(a.ms);
    baselines.push(b.ms);
    ratios.push(a.ms / b.ms);
  }
  return { ms: median(subject), baselineMs: median(baselines), baselines, ratio: median(ratios) };
}

/** The calls `action` sent to the sandbox account in `file`. */
function callsOf(file, action) {
  const log = () => {
    try {
      return JSON.parse(readFileSync(file, 'utf8')).calls;
    } catch {
      return [];
    }
  };
  const before = log().length;
  action();
  return log().slice(before);
}

function writes(calls) {
  return calls.filter((c) => c.mutating).length;
}

function cmd(args) {
  return `node ${relative(process.cwd(), BIN) || BIN} ${args.join(' ')}`;
}

function show(command, figure) {
  console.log(`  ${command.padEnd(66)} ${figure}`);
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function fmt(x) {
  if (typeof x !== 'number' || !Number.isFinite(x)) return String(x);
  return Number.isInteger(x) ? String(x) : x < 10 ? x.toFixed(2) : x.toFixed(0);
}

main();
