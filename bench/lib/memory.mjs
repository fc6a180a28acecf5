// Heap, RSS and file descriptors before and after a long plugin run. Both snapshots are taken
// in the same state: pooled sockets closed (so the keep-alive pool does not count as growth)
// and garbage collected, which also frees the native GSS contexts (kerberos 7 has no close
// method; its contexts are released when their JS wrappers are collected).
import { readdirSync } from 'node:fs';
import { setImmediate as tick } from 'node:timers/promises';
import { runNodeBatch } from './node-contenders.mjs';

const MiB = 2 ** 20;

/** Several full collections with turns of the event loop between, so weak callbacks and finalizers run. */
async function collectGarbage() {
  for (let i = 0; i < 4; i++) {
    globalThis.gc();
    await tick();
  }
}

async function snapshot(agent) {
  agent.destroy();
  await tick();
  await collectGarbage();
  const usage = process.memoryUsage();
  return {
    heapUsedMiB: usage.heapUsed / MiB,
    rssMiB: usage.rss / MiB,
    externalMiB: usage.external / MiB,
    openFds: readdirSync('/proc/self/fd').length,
  };
}

/**
 * The batch's latency array (20,000 numbers, a few hundred KiB) must be garbage by the second
 * snapshot, or the benchmark's own bookkeeping would count as the plugin's heap growth.
 */
async function runWithoutLatencies(send, url, count, inFlight) {
  const { errors, firstError, seconds } = await runNodeBatch(send, url, count, inFlight);
  return { errors, firstError, seconds };
}

/**
 * Warms up (JIT, lazily loaded modules, the ticket cache), then runs `requests` requests with
 * `inFlight` outstanding between two snapshots.
 */
export async function measureGrowth({ send, url, warmup, requests, inFlight, agent }) {
  if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc (npm run bench does)');
  await runNodeBatch(send, url, warmup, inFlight);
  const before = await snapshot(agent);
  const run = await runWithoutLatencies(send, url, requests, inFlight);
  const after = await snapshot(agent);
  return {
    requests,
    inFlight,
    errors: run.errors,
    firstError: run.firstError,
    rps: requests / run.seconds,
    before,
    after,
    heapGrowthMiB: after.heapUsedMiB - before.heapUsedMiB,
    rssGrowthMiB: after.rssMiB - before.rssMiB,
    fdGrowth: after.openFds - before.openFds,
  };
}
