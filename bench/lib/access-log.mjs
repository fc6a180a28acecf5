// 401s are counted where they happen: in Apache's access log. Every benchmark URL carries
// `?c=<contender>&p=<phase>`, so each line is attributed without timing assumptions. The log
// format (scripts/realm.sh) is: 127.0.0.1 [epoch] "GET /negotiate/?c=x&p=y HTTP/1.1" 200 neg=1 ...
import { readFileSync } from 'node:fs';
import { URLSearchParams } from 'node:url';
import { median } from './stats.mjs';

const LINE = /"[A-Z]+ (\S+) HTTP\/[\d.]+" (\d{3}) neg=(\S+) .* us=(\d+)/;

/** Parses one access-log line into { contender, phase, status, negotiate, micros }, or undefined. */
function parseLine(line) {
  const match = LINE.exec(line);
  if (match === null) return undefined;
  const query = new URLSearchParams(match[1].split('?')[1] ?? '');
  return {
    contender: query.get('c'),
    phase: query.get('p'),
    status: match[2],
    negotiate: match[3] === '1',
    micros: Number(match[4]),
  };
}

/**
 * Per contender: final 200s (one per successful logical request), 401s, other statuses, how
 * many requests carried a Negotiate header, and the median time Apache itself spent on a 200
 * (`%D`: GSS accept, replay cache, file), which shows how much of a request is the server's.
 * Warm-up requests are included on purpose: an adaptive client's one 401 per origin is there.
 * With `phase`, only that phase's lines.
 */
export function countAccessLog(file, phase) {
  const counts = {};
  const micros = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const entry = parseLine(line);
    if (entry === undefined || entry.contender === null) continue;
    if (phase !== undefined && entry.phase !== phase) continue;
    const c = (counts[entry.contender] ??= { ok: 0, unauthorized: 0, other: 0, withToken: 0, serverP50Us: 0 });
    if (entry.status === '200') {
      c.ok++;
      (micros[entry.contender] ??= []).push(entry.micros);
    } else if (entry.status === '401') c.unauthorized++;
    else c.other++;
    if (entry.negotiate) c.withToken++;
  }
  for (const [name, values] of Object.entries(micros)) counts[name].serverP50Us = median(values);
  return counts;
}

/** 401 responses per 1,000 logical requests (final 200s). */
export function per1000(count) {
  return count.ok > 0 ? (count.unauthorized * 1000) / count.ok : NaN;
}
