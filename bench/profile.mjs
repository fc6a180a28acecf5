// Profiles one contender's per-request path: `node --cpu-prof bench/profile.mjs NAME [COUNT]`
// under the realm's environment (scripts/with-realm.sh), then
// `node bench/profile.mjs --summary FILE.cpuprofile` prints where the self time went, grouped by
// package and file. NAME: plugin-pre, hand (token per request, /negotiate/), s-plugin, s-hand
// (session cookie, /session/). 16 requests in flight (IN_FLIGHT=64 for more), after a warm-up.
import http from 'node:http';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import axios from 'axios';
import { kerberosAuth } from 'axios-kerberos';
import { handWrittenGet, runNodeBatch } from './lib/node-contenders.mjs';
import { createSessionContenders } from './lib/sessions.mjs';

function contender(name, agent) {
  if (name === 'plugin-pre') {
    const api = axios.create({ httpAgent: agent });
    // PLUGIN_OPTIONS (JSON) adds options, to see what one costs: '{"prefetch":false}'.
    kerberosAuth({ hosts: 'localhost', ...JSON.parse(process.env.PLUGIN_OPTIONS ?? '{}') }).install(api);
    return { path: 'negotiate', send: (url) => api.get(url) };
  }
  if (name === 'hand') {
    const api = axios.create({ httpAgent: agent });
    return { path: 'negotiate', send: (url) => handWrittenGet(api, url) };
  }
  // A folder of its own for curl's cookie jar, which the session contenders create.
  const found = createSessionContenders(agent, mkdtempSync(join(tmpdir(), 'ak-profile-'))).find((c) => c.name === name);
  if (found === undefined || found.send === undefined) throw new Error(`unknown contender ${name}`);
  return found;
}

/** Self time per function, summed by where the function lives (a package, or our own file). */
function summary(file) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const dt = profile.timeDeltas;
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    self.set(id, (self.get(id) ?? 0) + (dt[i] ?? 0));
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const groups = new Map();
  const functions = new Map();
  for (const [id, us] of self) {
    const { callFrame: f } = byId.get(id);
    const url = f.url || '(native)';
    const group = url.includes('node_modules/')
      ? url
          .slice(url.lastIndexOf('node_modules/') + 13)
          .split('/')
          .slice(0, url.includes('/@') ? 2 : 1)
          .join('/')
      : url.startsWith('node:')
        ? 'node:' + url.slice(5).split('/')[0]
        : url.includes('/dist/')
          ? 'axios-kerberos ' + url.slice(url.lastIndexOf('/dist/') + 6)
          : url;
    groups.set(group, (groups.get(group) ?? 0) + us);
    const key = `${f.functionName || '(anonymous)'} ${group}:${f.lineNumber + 1}`;
    functions.set(key, (functions.get(key) ?? 0) + us);
  }
  const top = (map, n) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, us]) => `${((us / total) * 100).toFixed(1).padStart(5)}%  ${k}`)
      .join('\n');
  return `self time by place:\n${top(groups, 15)}\n\ntop functions:\n${top(functions, 25)}`;
}

async function main() {
  const [first, second] = process.argv.slice(2);
  if (first === '--summary') return void console.log(summary(second));
  const agent = new http.Agent({ keepAlive: true });
  const c = contender(first, agent);
  const url = `${process.env.HTTP_URL}/${c.path}/?c=prof-${first}&p=prof`;
  const inFlight = Number(process.env.IN_FLIGHT ?? 16);
  await runNodeBatch(c.send, url, 200, inFlight);
  const batch = await runNodeBatch(c.send, url, Number(second ?? 3000), inFlight);
  console.log(
    `${first}: ${(batch.latenciesMs.length / batch.seconds).toFixed(0)} req/s, ` +
      `${(batch.cpuMicros / batch.latenciesMs.length).toFixed(0)} CPU µs/req, ${batch.errors} errors`,
  );
  agent.destroy();
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
