// Side-by-side benchmark of Negotiate (SPNEGO) clients against one Apache + mod_auth_gssapi
// (targets in docs/performance.md). Run it with `npm run bench` (or `npm run bench --
// --quick`), which builds the plugin, brings up the throwaway realm of scripts/realm.sh and
// runs this file with `node --expose-gc`. Contenders take turns in rounds, so machine noise
// (other processes on a shared 2-core box) lands on all of them alike: the ratios measured
// side by side are what count, not the absolute figures.
import http from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { countAccessLog, per1000 } from './lib/access-log.mjs';
import { curlContender, curlVersion, pythonContender } from './lib/external.mjs';
import { describeMachine, idleEventLoopP99Ms } from './lib/machine.mjs';
import { measureGrowth } from './lib/memory.mjs';
import { createNodeContenders, runNodeBatch } from './lib/node-contenders.mjs';
import { ratios, render } from './lib/report.mjs';
import { createSessionContenders, renderSessions, runSessions, sessionRatios } from './lib/sessions.mjs';
import { addBatch, median, newRecord, summarize } from './lib/stats.mjs';

// Each round gives every contender one batch. Full: 5,000 sequential requests per contender
// in 10 rounds, 9,000 at 16 and at 64 in flight, 20,000 for the memory run: 2 to 3 minutes
// on 2 cores. Quick: about 20 s, enough to see a regression, too few for a p99 to settle.
const PLANS = {
  full: {
    warmup: 200,
    sequential: { rounds: 10, batch: 500 },
    inFlight16: { rounds: 6, batch: 1500 },
    inFlight64: { rounds: 6, batch: 1500 },
    memory: { warmup: 1000, requests: 20000, inFlight: 16 },
    sessions: { warmup: 50, sequential: { rounds: 5, batch: 400 }, inFlight16: { rounds: 5, batch: 1000 } },
  },
  quick: {
    warmup: 50,
    sequential: { rounds: 8, batch: 75 },
    inFlight16: { rounds: 4, batch: 300 },
    inFlight64: { rounds: 4, batch: 300 },
    memory: { warmup: 500, requests: 3000, inFlight: 16 },
    sessions: { warmup: 20, sequential: { rounds: 4, batch: 100 }, inFlight16: { rounds: 4, batch: 300 } },
  },
};
// monitorEventLoopDelay records the interval between its timer's runs, resolution included,
// so the resolution is subtracted to get the delay itself. 1 ms gives many samples per batch.
const LOOP_RESOLUTION_MS = 1;
const RESULTS_FILE = fileURLToPath(new URL('./results/latest.json', import.meta.url));
// More failed requests than this (per contender) makes the run exit non-zero.
const MAX_ERROR_RATE = 0.01;

function usage() {
  return [
    'usage: npm run bench [-- [--quick] [--sessions] [--markdown]]',
    '  --quick     a run of under a minute (fewer requests; figures are rougher)',
    '  --sessions  only the session comparison (GssapiUseSessions, cookies against tokens)',
    '  --markdown  print the tables as Markdown (for docs/performance.md)',
    'Needs the realm environment that scripts/with-realm.sh exports (npm run bench does that).',
  ].join('\n');
}

function parseOptions() {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      sessions: { type: 'boolean', default: false },
      markdown: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  return values;
}

function log(message) {
  process.stderr.write(`bench: ${message}\n`);
}

/** The realm must be up (HTTP_URL, ACCESS_LOG) and node must expose gc. */
function checkEnvironment() {
  const missing = ['HTTP_URL', 'ACCESS_LOG', 'KRB5CCNAME', 'KRB5_CONFIG'].filter((name) => !process.env[name]);
  if (missing.length > 0) throw new Error(`${missing.join(', ')} not set: run it as \`npm run bench\`\n${usage()}`);
  if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc (npm run bench does)');
}

/** requests-kerberos is optional: without Debian's python3-requests-kerberos it is left out, loudly. */
function pythonAvailable() {
  const probe = spawnSync('/usr/bin/python3', ['-c', 'import requests_kerberos'], { stdio: 'ignore' });
  if (probe.status === 0) return true;
  log('python3-requests-kerberos not importable by /usr/bin/python3: leaving requests-kerberos out');
  return false;
}

/** Every request of contender `c` in `phase` goes to its own query string, for the access log. */
function urlFor(contender, phase) {
  return `${process.env.HTTP_URL}/${contender.path}/?c=${contender.name}&p=${phase}`;
}

function runBatch(contender, phase, count, inFlight) {
  const url = urlFor(contender, phase);
  if (contender.runBatch !== undefined) return contender.runBatch(url, count, inFlight);
  return runNodeBatch(contender.send, url, count, inFlight);
}

/** Round r starts with contender r, so nobody always runs first (or right after curl). */
function rotate(list, round) {
  const start = round % list.length;
  return [...list.slice(start), ...list.slice(0, start)];
}

/**
 * One phase: `rounds` rounds, each giving every contender one batch of `batch` requests with
 * `inFlight` outstanding. `around` (optional) brackets each batch, for the event-loop monitor.
 */
async function runPhase(phase, contenders, { rounds, batch }, inFlight, around) {
  const records = new Map(contenders.map((c) => [c.name, newRecord()]));
  for (let round = 0; round < rounds; round++) {
    log(`${phase}: round ${round + 1}/${rounds}`);
    for (const contender of rotate(contenders, round)) {
      around?.before(contender);
      const result = await runBatch(contender, phase, batch, inFlight);
      around?.after(contender);
      addBatch(records.get(contender.name), result);
    }
  }
  return new Map([...records].map(([name, record]) => [name, { ...summarize(record), firstError: record.firstError }]));
}

/**
 * Event-loop delay per contender, sampled only while its own batches run. Each batch gets a
 * fresh monitor (one disabled and enabled again records the whole pause between its windows
 * as one huge delay, and Node 20 cannot merge monitors), so the figure is the median over the
 * rounds of each batch's p99, which is close to the p99 of all samples; the worst round is
 * kept too.
 */
function loopMonitors(contenders) {
  const perRound = new Map(contenders.map((c) => [c.name, []]));
  let current;
  return {
    before: () => {
      current = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
      current.enable();
    },
    after: (c) => {
      current.disable();
      perRound.get(c.name).push(Math.max(0, current.percentile(99) / 1e6 - LOOP_RESOLUTION_MS));
    },
    p99Ms: (name) => median(perRound.get(name)),
    worstP99Ms: (name) => Math.max(...perRound.get(name)),
  };
}

/** Warm-up: JIT, connection pools, the service ticket in the cache, Python's and curl's page cache. */
async function warmUp(contenders, count) {
  log(`warm-up: ${count} requests each`);
  for (const contender of contenders) await runBatch(contender, 'warm', count, 1);
}

async function runAll(plan, all, agent) {
  const node = all.filter((c) => c.send !== undefined);
  const curl = all.find((c) => c.name === 'curl');
  await warmUp(all, plan.warmup);
  const sequential = await runPhase('seq', all, plan.sequential, 1);
  const inFlight16 = await runPhase('c16', [...node, curl], plan.inFlight16, 16);
  const monitors = loopMonitors(node);
  const inFlight64 = await runPhase('c64', node, plan.inFlight64, 64, monitors);
  log(`memory: ${plan.memory.requests} plugin requests, ${plan.memory.inFlight} in flight`);
  const plugin = node.find((c) => c.name === 'plugin-pre');
  const memory = await measureGrowth({ ...plan.memory, send: plugin.send, url: urlFor(plugin, 'mem'), agent });
  return { sequential, inFlight16, inFlight64, loop: monitors, memory };
}

/** Joins the phases and the access-log counts per contender. */
function collect(all, measured) {
  const log401 = countAccessLog(process.env.ACCESS_LOG);
  const contenders = {};
  for (const c of all) {
    const counts = log401[c.name] ?? { ok: 0, unauthorized: 0, other: 0, withToken: 0 };
    contenders[c.name] = {
      label: c.label,
      location: `/${c.path}/`,
      sequential: measured.sequential.get(c.name) ?? null,
      inFlight16: measured.inFlight16.get(c.name) ?? null,
      inFlight64: measured.inFlight64.get(c.name) ?? null,
      eventLoopP99Ms: measured.inFlight64.has(c.name) ? measured.loop.p99Ms(c.name) : null,
      eventLoopWorstRoundP99Ms: measured.inFlight64.has(c.name) ? measured.loop.worstP99Ms(c.name) : null,
      accessLog: counts,
      unauthorizedPer1000: per1000(counts),
    };
  }
  return contenders;
}

/** Phases (memory run included) whose failed requests exceed MAX_ERROR_RATE, with the first error. */
function failures({ contenders, memory }) {
  const phases = Object.entries(contenders).flatMap(([name, c]) =>
    ['sequential', 'inFlight16', 'inFlight64'].map((phase) => [`${name} ${phase}`, c[phase]]),
  );
  return [...phases, ['plugin memory run', memory]]
    .filter(([, r]) => r !== null && r.errors > r.requests * MAX_ERROR_RATE)
    .map(([what, r]) => `${what}: ${r.errors}/${r.requests} failed, first: ${r.firstError}`);
}

function writeResults(results) {
  mkdirSync(join(RESULTS_FILE, '..'), { recursive: true });
  // No arrays anywhere in `results`: JSON.stringify's layout is then exactly Prettier's.
  writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
}

async function buildResults(options, started, all, measured) {
  const results = {
    command: `npm run bench${options.quick ? ' -- --quick' : ''}`,
    mode: options.quick ? 'quick' : 'full',
    startedAt: started.toISOString(),
    durationSeconds: Math.round((Date.now() - started.getTime()) / 1000),
    machine: { ...describeMachine(await curlVersion()), idleEventLoopP99Ms: measured.idleLoopP99Ms },
    python: all.find((c) => c.name === 'requests-krb')?.versions ?? null,
    plan: PLANS[options.quick ? 'quick' : 'full'],
    contenders: collect(all, measured),
    memory: measured.memory,
  };
  results.ratios = ratios(results);
  return results;
}

async function main() {
  const options = parseOptions();
  if (options.help) return void console.log(usage());
  checkEnvironment();
  const plan = PLANS[options.quick ? 'quick' : 'full'];
  const started = new Date();
  const workDir = mkdtempSync(join(os.tmpdir(), 'ak-bench-'));
  const agent = new http.Agent({ keepAlive: true });
  try {
    if (options.sessions) return await sessionsOnly(plan, options, workDir, agent);
    // Before any request: the machine's own scheduling noise, to read the loop figures against.
    const idleLoopP99Ms = await idleEventLoopP99Ms(options.quick ? 300 : 1000, LOOP_RESOLUTION_MS);
    const python = pythonAvailable() ? [pythonContender()] : [];
    const all = [...createNodeContenders(agent), curlContender(workDir), ...python];
    log(`${options.quick ? 'quick' : 'full'} run against ${process.env.HTTP_URL}: ${describePlan(plan)}`);
    const measured = { ...(await runAll(plan, all, agent)), idleLoopP99Ms };
    const results = await buildResults(options, started, all, measured);
    const sessions = await sessionSection(plan, options, workDir, agent);
    results.sessions = sessions.summary;
    writeResults(results);
    console.log(`${describePlan(plan)}\n\n${render(results, options.markdown ? 'markdown' : 'text')}`);
    console.log(`\nKerberos once per session (side by side, one run):\n\n${sessions.text}`);
    console.log(`\nmachine: ${describeLine(results)}\nresults: ${RESULTS_FILE}`);
    const failed = [...failures(results), ...sessions.errors];
    if (failed.length > 0) throw new Error(`too many failed requests:\n  ${failed.join('\n  ')}`);
  } finally {
    agent.destroy();
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** The session comparison: its own contenders, side by side in rounds like the rest. */
async function sessionSection(plan, options, workDir, agent) {
  const contenders = createSessionContenders(agent, workDir);
  log(`sessions: warm-up, ${plan.sessions.warmup} requests each`);
  for (const c of contenders) {
    const url = `${process.env.HTTP_URL}/${c.path}/?c=${c.name}&p=warm`;
    if (c.runBatch !== undefined) await c.runBatch(url, plan.sessions.warmup, 1);
    else await runNodeBatch(c.send, url, plan.sessions.warmup, 1);
  }
  const measured = await runSessions(plan.sessions, contenders, log);
  const text = renderSessions(measured, contenders, options.markdown);
  const errors = contenders.flatMap((c) =>
    [measured.sequential.get(c.name), measured.inFlight16.get(c.name)]
      .filter((r) => r !== undefined && r.errors > r.requests * MAX_ERROR_RATE)
      .map((r) => `${c.name}: ${r.errors}/${r.requests} failed, first: ${r.firstError}`),
  );
  const summary = {
    ratios: sessionRatios(measured),
    expiries: Object.fromEntries(measured.expiries.map((e) => [`inFlight${e.inFlight}`, e])),
  };
  return { text, errors, summary };
}

async function sessionsOnly(plan, options, workDir, agent) {
  log(`sessions only, against ${process.env.HTTP_URL}`);
  const sessions = await sessionSection(plan, options, workDir, agent);
  console.log(`Kerberos once per session (side by side, one run):\n\n${sessions.text}`);
  if (sessions.errors.length > 0) throw new Error(`too many failed requests:\n  ${sessions.errors.join('\n  ')}`);
}

function describePlan({ sequential: s, inFlight16: c16, inFlight64: c64, memory: m }) {
  return (
    `per contender: ${s.rounds * s.batch} sequential requests in ${s.rounds} rounds, ` +
    `${c16.rounds * c16.batch} at 16 in flight, ${c64.rounds * c64.batch} at 64 in flight; ` +
    `memory: ${m.requests} plugin requests at ${m.inFlight} in flight`
  );
}

function describeLine({ machine: m, durationSeconds }) {
  return (
    `${m.cpus} CPUs (${m.cpuModel}), ${m.memoryGiB} GiB, ${m.kernel}, node ${m.node}, ` +
    `load at start ${m.loadAverageAtStart}, idle event-loop p99 ${m.idleEventLoopP99Ms.toFixed(2)} ms, ` +
    `run took ${durationSeconds} s`
  );
}

main().catch((error) => {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
