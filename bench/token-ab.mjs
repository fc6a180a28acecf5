// A/B of the plugin's token path against hand-written code, in one side-by-side run: plugin
// variants (PLUGIN_VARIANTS) and hand-written code take turns in rounds, sequentially and with
// IN_FLIGHT (default 16) requests in flight, and the calls into `kerberos` are counted per
// request. Run it under the realm:
//   npm run --silent build && bash scripts/with-realm.sh node bench/token-ab.mjs [ROUNDS] [BATCH] [IN_FLIGHT]
// PLUGIN_VARIANTS (JSON, name -> options) adds variants; VARIANTS='default,gss-4' runs only
// those (hand-written code always runs); SEQUENTIAL=0 skips the sequential phase.
import http from 'node:http';
import os from 'node:os';
import axios from 'axios';
import kerberos from 'kerberos';
import { kerberosAuth } from 'axios-kerberos';
import { handWrittenGet, runNodeBatch } from './lib/node-contenders.mjs';
import { median } from './lib/stats.mjs';

const ALL_VARIANTS = {
  default: {},
  'no-prefetch': { prefetch: false },
  'gss-2': { maxConcurrentGss: 2 },
  'gss-3': { maxConcurrentGss: 3 },
  'gss-4': { maxConcurrentGss: 4 },
  'no-prefetch,gss-4': { prefetch: false, maxConcurrentGss: 4 },
  ...JSON.parse(process.env.PLUGIN_VARIANTS ?? '{}'),
};
const chosen = process.env.VARIANTS?.split(',') ?? ['default', 'no-prefetch', 'gss-4', 'no-prefetch,gss-4'];
const VARIANTS = Object.fromEntries(
  chosen.map((name) => {
    if (!(name in ALL_VARIANTS)) throw new Error(`unknown variant ${name}; define it in PLUGIN_VARIANTS`);
    return [name, ALL_VARIANTS[name]];
  }),
);
const rounds = Number(process.argv[2] ?? 10);
const batch = Number(process.argv[3] ?? 1500);
const inFlight = Number(process.argv[4] ?? 16);

// The plugin loads `kerberos` with require() and calls through the module object, so counting
// here sees both sides' calls.
let inits = 0;
const initializeClient = kerberos.initializeClient;
kerberos.initializeClient = (...args) => {
  inits++;
  return initializeClient(...args);
};

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const handClient = axios.create({ httpAgent: agent });
const contenders = [
  { name: 'hand', send: (url) => handWrittenGet(handClient, url) },
  ...Object.entries(VARIANTS).map(([name, options]) => {
    const api = axios.create({ httpAgent: agent });
    kerberosAuth({ hosts: 'localhost', ...options }).install(api);
    return { name, send: (url) => api.get(url) };
  }),
];
const url = `${process.env.HTTP_URL}/negotiate/`;

async function phase(label, inFlight, count) {
  const per = new Map(
    contenders.map((c) => [c.name, { rps: [], cpu: [], inits: 0, requests: 0, errors: 0, firstError: undefined }]),
  );
  for (let round = 0; round < rounds; round++) {
    const start = round % contenders.length;
    for (const c of [...contenders.slice(start), ...contenders.slice(0, start)]) {
      const before = inits;
      const result = await runNodeBatch(c.send, url, count, inFlight);
      // Let spares minted at the end of the batch finish before the next contender starts.
      await new Promise((resolve) => setTimeout(resolve, 50));
      const r = per.get(c.name);
      r.rps.push(count / result.seconds);
      r.cpu.push(result.cpuMicros / count);
      r.inits += inits - before;
      r.requests += count;
      r.errors += result.errors;
      r.firstError ??= result.firstError;
    }
  }
  const hand = per.get('hand').rps;
  console.log(
    `\n${label} (${rounds} rounds x ${count}, load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')})`,
  );
  console.log(
    'contender              median req/s  vs hand  per-round vs hand: median (min-max)  median CPU us/req  inits/req  errors',
  );
  for (const [name, r] of per) {
    const rps = median(r.rps);
    // Paired by round: each round's ratio compares two batches run a few seconds apart.
    const paired = r.rps.map((x, i) => x / hand[i]);
    const spread = `${median(paired).toFixed(3)} (${Math.min(...paired).toFixed(2)}-${Math.max(...paired).toFixed(2)})`;
    console.log(
      `${name.padEnd(22)} ${rps.toFixed(0).padStart(12)} ${(rps / median(hand)).toFixed(3).padStart(8)}` +
        `  ${spread.padStart(35)} ${median(r.cpu).toFixed(0).padStart(18)}` +
        ` ${(r.inits / r.requests).toFixed(3).padStart(10)} ${String(r.errors).padStart(7)}`,
    );
  }
  for (const [name, r] of per) if (r.firstError !== undefined) console.log(`${name}: first error: ${r.firstError}`);
}

console.log(
  `load at start: ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
for (const c of contenders) await runNodeBatch(c.send, url, 200, 1);
if (process.env.SEQUENTIAL !== '0') await phase('sequential', 1, Math.max(100, Math.round(batch / 5)));
await phase(`${inFlight} in flight`, inFlight, batch);
agent.destroy();
