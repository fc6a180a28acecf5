// The two out-of-process contenders: curl and Python requests-kerberos. Each batch is one
// process. curl is timed from spawn to exit (its start-up, a few ms, is charged to it);
// Python times its own request loop, because importing requests and cryptography takes
// about 0.3 s that says nothing about the library.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nowNs } from './stats.mjs';

const PYTHON = '/usr/bin/python3';
// USER_HZ: the unit of the CPU times in /proc (100 on every Linux architecture Node runs on).
const CLOCK_TICKS_PER_SECOND = 100;
const PYTHON_CLIENT = fileURLToPath(new URL('../requests_kerberos_client.py', import.meta.url));

/**
 * Runs a command to completion, collecting stdout and stderr; rejects on a non-zero exit unless
 * `tolerateExit` (curl exits non-zero when a transfer failed, and its `-w` lines say which).
 */
function run(command, args, tolerateExit = false) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (chunk) => out.push(chunk));
    child.stderr.on('data', (chunk) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const stdout = Buffer.concat(out).toString();
      const stderr = Buffer.concat(err).toString();
      if (code === 0 || tolerateExit) resolve({ stdout, stderr });
      else reject(new Error(`${command} exited with ${code}: ${stderr.trim().slice(0, 500)}`));
    });
  });
}

/**
 * CPU time of this process's reaped children (cutime + cstime in /proc/self/stat), in µs: a
 * reaped curl's CPU shows up there. 10 ms granularity, fine over batches of hundreds of requests.
 */
function childrenCpuMicros() {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 16 and 17 of proc(5); `fields` starts at field 3 (the state).
  return ((Number(fields[13]) + Number(fields[14])) * 1e6) / CLOCK_TICKS_PER_SECOND;
}

/**
 * A curl config file with `count` transfers of `url`: one process, many URLs, which is how
 * curl reuses its connection. Written once per batch shape and reused.
 */
function curlConfig(file, url, count) {
  writeFileSync(file, `url = "${url}"\noutput = "/dev/null"\n`.repeat(count));
  return file;
}

/** Parses curl's per-transfer `-w` lines (status, total seconds); a missing line is a failed transfer. */
function parseCurlTransfers(stdout, count) {
  const batch = { latenciesMs: [], errors: 0, firstError: undefined };
  for (const line of stdout.split('\n')) {
    if (line === '') continue;
    const [code, total] = line.split(' ');
    if (code !== '200') {
      batch.errors++;
      batch.firstError ??= code === '000' ? 'curl: no response' : `curl: HTTP ${code}`;
    }
    batch.latenciesMs.push(Number(total) * 1000);
  }
  if (batch.latenciesMs.length < count) {
    batch.errors += count - batch.latenciesMs.length;
    batch.firstError ??= `curl: ${count - batch.latenciesMs.length} transfers reported nothing`;
  }
  return batch;
}

/**
 * Makes the curl contender; `inFlight` > 1 adds `--parallel --parallel-max inFlight`.
 * `extraArgs` go before the transfers (a cookie jar: `-b FILE`); `prefix` names its config files.
 */
export function curlContender(workDir, extraArgs = [], prefix = 'curl') {
  const configs = new Map();
  return {
    name: 'curl',
    label: 'curl --negotiate, one process',
    path: 'negotiate',
    async runBatch(url, count, inFlight) {
      const key = `${url} ${count}`;
      if (!configs.has(key)) configs.set(key, curlConfig(join(workDir, `${prefix}-${configs.size}.cfg`), url, count));
      const args = [
        '-sS',
        '--negotiate',
        '-u',
        ':',
        ...extraArgs,
        '-w',
        '%{http_code} %{time_total}\\n',
        '-K',
        configs.get(key),
      ];
      if (inFlight > 1) args.push('--parallel', '--parallel-max', String(inFlight));
      const cpu = childrenCpuMicros();
      const started = nowNs();
      const { stdout } = await run('curl', args, true);
      const seconds = (nowNs() - started) / 1e9;
      return { ...parseCurlTransfers(stdout, count), seconds, cpuMicros: childrenCpuMicros() - cpu };
    },
  };
}

/** Makes the requests-kerberos contender (sequential only: requests is synchronous). */
export function pythonContender() {
  const contender = {
    name: 'requests-krb',
    label: 'Python requests-kerberos, Session',
    path: 'negotiate',
    versions: undefined,
    async runBatch(url, count) {
      const { stdout } = await run(PYTHON, [PYTHON_CLIENT, url, String(count)]);
      const report = JSON.parse(stdout);
      contender.versions = report.versions;
      return {
        latenciesMs: report.latenciesMs,
        errors: report.errors,
        firstError: report.firstError ?? undefined,
        seconds: report.seconds,
        cpuMicros: report.cpuSeconds * 1e6,
      };
    },
  };
  return contender;
}

/** curl's version line, for the record of the machine. */
export async function curlVersion() {
  const { stdout } = await run('curl', ['--version']);
  return stdout.split('\n')[0];
}
