// What the figures were measured on. Absolute numbers only mean something next to this.
import { createRequire } from 'node:module';
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import kerberos from 'kerberos';

const require = createRequire(import.meta.url);

/** Event-loop delay p99 (ms) of an idle process: the machine's own scheduling noise. */
export async function idleEventLoopP99Ms(ms, resolution) {
  const histogram = monitorEventLoopDelay({ resolution });
  histogram.enable();
  await sleep(ms);
  histogram.disable();
  return Math.max(0, histogram.percentile(99) / 1e6 - resolution);
}

/** CPU, memory, kernel and the versions of everything that takes part. */
export function describeMachine(curlVersion) {
  const cpus = os.cpus();
  return {
    cpus: os.availableParallelism(),
    cpuModel: cpus[0]?.model ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    loadAverageAtStart: os
      .loadavg()
      .map((load) => load.toFixed(2))
      .join(' '),
    kernel: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    axios: require('axios/package.json').version,
    kerberos: kerberos.version,
    curl: curlVersion,
  };
}
