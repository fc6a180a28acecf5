// Kerberos once per session, side by side: the plugin with `session: true` against Apache's
// /session/ location (mod_auth_gssapi `GssapiUseSessions On`), the plugin with a token per
// request (/negotiate/), curl --negotiate with a cookie jar, and hand-written axios that resends
// the session cookie (the ceiling). Tokens and 401s are counted in Apache's access log.
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import axios from 'axios';
import { kerberosAuth } from 'axios-kerberos';
import { countAccessLog } from './access-log.mjs';
import { handWrittenGet, runNodeBatch } from './node-contenders.mjs';
import { curlContender } from './external.mjs';
import { addBatch, newRecord, summarize } from './stats.mjs';
import { markdownTable, textTable } from './report.mjs';

const RUN = Date.now().toString(36);
const REALM_SH = fileURLToPath(new URL('../../scripts/realm.sh', import.meta.url));

/**
 * The ceiling: what an application would write by hand. One token and mutual authentication
 * for the first request, then only the session cookie; a 401 (session ended) starts again.
 */
function handSessionContender(agent) {
  const client = axios.create({ httpAgent: agent, validateStatus: (s) => s === 200 || s === 401 });
  let cookie;
  return async (url) => {
    if (cookie !== undefined) {
      const response = await client.get(url, { headers: { Cookie: cookie } });
      if (response.status === 200) return response;
      cookie = undefined;
    }
    const response = await handWrittenGet(client, url);
    const set = response.headers['set-cookie']?.[0];
    if (set !== undefined) cookie = set.split(';')[0];
    return response;
  };
}

export function createSessionContenders(agent, workDir) {
  const session = axios.create({ httpAgent: agent });
  kerberosAuth({ hosts: 'localhost', session: true }).install(session);
  const perRequest = axios.create({ httpAgent: agent });
  kerberosAuth({ hosts: 'localhost' }).install(perRequest);
  const handSession = handSessionContender(agent);
  const jar = join(workDir, 'curl-cookies.txt');
  writeFileSync(jar, '');
  const curlB = curlContender(workDir, ['-b', jar], 'curl-b');
  const curlBC = curlContender(workDir, ['-b', jar, '-c', jar], 'curl-bc');
  return [
    { name: 's-plugin', label: 'plugin, session: true', path: 'session', send: (url) => session.get(url) },
    { name: 's-hand', label: 'hand-written axios, cookie reused', path: 'session', send: handSession },
    { name: 's-per-req', label: 'plugin, token per request', path: 'negotiate', send: (url) => perRequest.get(url) },
    { ...curlB, name: 's-curl-b', label: 'curl --negotiate -b jar', path: 'session' },
    { ...curlBC, name: 's-curl-bc', label: 'curl --negotiate -b jar -c jar', path: 'session' },
  ];
}

function urlFor(contender, phase) {
  return `${process.env.HTTP_URL}/${contender.path}/?c=${contender.name}&p=${phase}`;
}

function runBatch(contender, phase, count, inFlight) {
  const url = urlFor(contender, phase);
  return contender.runBatch !== undefined
    ? contender.runBatch(url, count, inFlight)
    : runNodeBatch(contender.send, url, count, inFlight);
}

async function phase(name, contenders, { rounds, batch }, inFlight, log) {
  const records = new Map(contenders.map((c) => [c.name, newRecord()]));
  for (let round = 0; round < rounds; round++) {
    log(`sessions ${name}: round ${round + 1}/${rounds}`);
    const start = round % contenders.length;
    for (const c of [...contenders.slice(start), ...contenders.slice(0, start)]) {
      addBatch(records.get(c.name), await runBatch(c, name, batch, inFlight));
    }
  }
  return new Map([...records].map(([n, r]) => [n, { ...summarize(r), firstError: r.firstError }]));
}

/**
 * Session expiry: the plugin on its session, then the server's session key rotated (graceful
 * reload), then `after` more requests, sequential or `inFlight` at once. Returns the 401s and
 * tokens those requests cost: one each per request that met the dead session.
 */
async function expiry(inFlight, log) {
  // Its own client without keep-alive: a graceful reload closes idle keep-alive connections,
  // and a request racing with that close fails for reasons that have nothing to do with sessions.
  const api = axios.create({ httpAgent: new http.Agent({ keepAlive: false }) });
  kerberosAuth({ hosts: 'localhost', session: true }).install(api);
  const contender = { name: 's-plugin-exp', path: 'session', send: (url) => api.get(url) };
  // Tagged with the run, so a second run against the same realm counts only its own lines.
  const phaseName = `exp${inFlight}-${RUN}`;
  await runBatch(contender, `${phaseName}-before`, 20, 1);
  execFileSync('bash', [REALM_SH, 'rotate-session-key', process.env.REALM_DIR], { stdio: 'ignore' });
  log(`sessions: session key rotated, ${inFlight} in flight`);
  const result = await runBatch(contender, phaseName, 100, inFlight);
  const tagged = countAccessLog(process.env.ACCESS_LOG, phaseName)[contender.name] ?? {};
  return {
    inFlight,
    requests: 100,
    errors: result.errors,
    unauthorized: tagged.unauthorized ?? 0,
    tokens: tagged.withToken ?? 0,
  };
}

export async function runSessions(plan, contenders, log) {
  const sequential = await phase('s-seq', contenders, plan.sequential, 1, log);
  const inFlight16 = await phase('s-c16', contenders, plan.inFlight16, 16, log);
  const expiries = [await expiry(1, log), await expiry(16, log)];
  // The log is read once, then looked up per contender.
  const logged = countAccessLog(process.env.ACCESS_LOG);
  const access = {};
  for (const c of contenders) access[c.name] = logged[c.name] ?? { ok: 0, unauthorized: 0, withToken: 0 };
  return { sequential, inFlight16, expiries, access };
}

function ratio(a, b) {
  return Number.isFinite(a) && Number.isFinite(b) && b > 0 ? a / b : NaN;
}

function fixed(value, digits) {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

/** The figures the targets name, from one side-by-side run. */
export function sessionRatios({ sequential, inFlight16, access }) {
  const rps = (phaseMap, name) => phaseMap.get(name)?.rps;
  const tokens = access['s-plugin'];
  return {
    sessionVsCurlB16: ratio(rps(inFlight16, 's-plugin'), rps(inFlight16, 's-curl-b')),
    sessionVsPerRequest16: ratio(rps(inFlight16, 's-plugin'), rps(inFlight16, 's-per-req')),
    sessionVsHand16: ratio(rps(inFlight16, 's-plugin'), rps(inFlight16, 's-hand')),
    sessionVsHandSeq: ratio(rps(sequential, 's-plugin'), rps(sequential, 's-hand')),
    sessionTokensPer1000: tokens.ok > 0 ? (tokens.withToken * 1000) / tokens.ok : NaN,
  };
}

/** Aligned text (or Markdown) tables: throughput, tokens and 401s per contender; ratios; expiry. */
export function renderSessions(results, contenders, markdown) {
  const header = [
    'contender',
    'location',
    'seq req/s',
    '16 in flight req/s',
    'CPU µs/req @16',
    'tokens /1000',
    '401s /1000',
    'errors',
  ];
  const rows = contenders.map((c) => {
    const seq = results.sequential.get(c.name);
    const c16 = results.inFlight16.get(c.name);
    const a = results.access[c.name];
    const per1000 = (n) => (a.ok > 0 ? (n * 1000) / a.ok : NaN);
    return [
      c.label,
      `/${c.path}/`,
      fixed(seq?.rps, 0),
      fixed(c16?.rps, 0),
      fixed(c16?.cpuUsPerRequest ?? NaN, 0),
      fixed(per1000(a.withToken), 1),
      fixed(per1000(a.unauthorized), 1),
      String((seq?.errors ?? 0) + (c16?.errors ?? 0)),
    ];
  });
  const r = sessionRatios(results);
  const lines = [table(header, rows, markdown)];
  lines.push(
    `plugin session:true vs curl --negotiate -b, 16 in flight: ${fixed(r.sessionVsCurlB16, 2)}x (target >= 1.2x)`,
    `plugin session:true vs plugin token per request, 16 in flight: ${fixed(r.sessionVsPerRequest16, 2)}x (target >= 2x)`,
    `plugin session:true vs hand-written cookie reuse: ${fixed(r.sessionVsHandSeq, 2)}x sequential, ${fixed(r.sessionVsHand16, 2)}x at 16 in flight`,
    `plugin session:true tokens per 1,000 requests: ${fixed(r.sessionTokensPer1000, 2)} (target <= 1)`,
  );
  for (const e of results.expiries) {
    lines.push(
      `session key rotated, then ${e.requests} requests ${e.inFlight === 1 ? 'sequentially' : `${e.inFlight} in flight`}: ` +
        `${e.unauthorized} 401s, ${e.tokens} tokens, ${e.errors} errors`,
    );
  }
  return `${lines[0]}\n\n${lines.slice(1).join(markdown ? '\n\n' : '\n')}`;
}

/** The report's tables; the first two columns (contender, location) left-aligned, figures right. */
function table(header, rows, markdown) {
  const aligns = header.map((_, i) => (i < 2 ? 'left' : 'right'));
  return (markdown ? markdownTable : textTable)(header, rows, aligns);
}
