import axios, { type AxiosResponse } from 'axios';
import { randomUUID } from 'node:crypto';
import { Agent } from 'node:http';
import { kerberosAuth } from '../../lib';
import { guardEachTest } from '../helpers/security';
import { accessLogLength, realm } from './helpers/realm';
import { accessLogLines } from './helpers/security';

// 200 requests at once against the realm, each with its own GSS context: all succeed
// and verify the server (mutual authentication is required on http:), and Apache sees exactly
// one token per request plus one unauthenticated request per 401.

const COUNT = 200;
guardEachTest();

async function burst(options: Parameters<typeof kerberosAuth>[0], expectedLines: number) {
  // All 200 requests (and their GSS contexts) are in flight in axios at once; only the sockets
  // are capped, below the 50 threads Apache starts with (StartServers 2 x ThreadsPerChild 25),
  // and not kept alive. Uncapped, this Apache reset a few of the *first*, token-less requests
  // of a 200-connection burst now and then (ECONNRESET "socket hang up", seen here; never with
  // the cap): a server capacity effect on requests the plugin never touches.
  const httpAgent = new Agent({ keepAlive: false, maxSockets: 40 });
  const api = axios.create({ baseURL: realm.url, httpAgent });
  kerberosAuth(options).install(api);
  const run = randomUUID();
  const prefix = `/negotiate/?run=${run}&`;
  const before = accessLogLength();
  const settled = await Promise.allSettled(Array.from({ length: COUNT }, (_, i) => api.get(`${prefix}i=${i}`)));
  const failures = settled.flatMap((s) => (s.status === 'rejected' ? [String((s.reason as Error).message)] : []));
  const responses = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  httpAgent.destroy();
  return { failures, responses, log: await accessLogLines(before, prefix, expectedLines) };
}

function expectAllAuthenticated(responses: AxiosResponse[], failures: string[]): void {
  expect(failures.slice(0, 3)).toEqual([]);
  expect(responses).toHaveLength(COUNT);
  for (const response of responses) {
    expect(response.status).toBe(200);
    expect(response.headers['x-remote-user']).toBe(realm.alice);
    // The server's mutual-authentication token came back (and was verified, or the request would have failed).
    expect(String(response.headers['www-authenticate'])).toMatch(/^Negotiate \S+$/);
  }
}

describe(`${COUNT} requests at once`, () => {
  it('to a host in `hosts`: all authenticate, one token each, no 401 at all', async () => {
    const { failures, responses, log } = await burst({ hosts: 'localhost' }, COUNT);
    expectAllAuthenticated(responses, failures);
    expect(log).toHaveLength(COUNT);
    expect(log.filter((e) => e.status === 200 && e.negotiate)).toHaveLength(COUNT);
    // Every request number appears exactly once in the log: nothing was sent twice.
    const numbers = new Set(log.map((e) => /[?&]i=(\d+)/.exec(e.line)?.[1]));
    expect(numbers.size).toBe(COUNT);
  }, 60_000);

  it('with no `hosts` (reactive): all authenticate, one 401 and then one token each', async () => {
    const { failures, responses, log } = await burst({}, 2 * COUNT);
    expectAllAuthenticated(responses, failures);
    const unauthenticated = log.filter((e) => e.status === 401 && !e.negotiate);
    const authenticated = log.filter((e) => e.status === 200 && e.negotiate);
    // One token per request, plus one (token-less) request per 401 — and nothing else.
    expect(authenticated).toHaveLength(COUNT);
    expect(log).toHaveLength(COUNT + unauthenticated.length);
    expect(unauthenticated.length).toBeGreaterThan(0);
    // Per request: the challenge then one token, or (had the origin already answered a
    // challenge, so the request went pre-emptive) the token alone.
    const shapes = new Set<string>();
    for (let i = 0; i < COUNT; i++) {
      const mine = log.filter((e) => e.line.includes(`&i=${i} `));
      shapes.add(JSON.stringify(mine.map((e) => [e.status, e.negotiate])));
    }
    expect([...shapes].every((shape) => ['[[401,false],[200,true]]', '[[200,true]]'].includes(shape))).toBe(true);
    expect(shapes).toContain('[[401,false],[200,true]]');
  }, 60_000);
});
