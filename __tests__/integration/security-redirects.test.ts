import axios from 'axios';
import { randomUUID } from 'node:crypto';
import { kerberosAuth } from '../../lib';
import { guardEachTest } from '../helpers/security';
import { accessLogLength, realm } from './helpers/realm';
import { accessLogLines } from './helpers/security';

// A redirect within one host that ends in a challenge, as Apache produces it: `/negotiate`
// (unprotected) answers 301 to `/negotiate/` (mod_dir's trailing slash), which requires
// Kerberos. The hop that challenged gets a token, and no token is sent twice. A token sent up
// front to the public `/negotiate` gets a 301 without a server token: under 'required' (the
// default on http) that is refused like any unauthenticated answer to our token.

guardEachTest();

async function outcome(promise: Promise<{ status: number; headers: Record<string, unknown> }>) {
  return promise.then(
    (response) => ({ status: response.status, user: response.headers['x-remote-user'], error: undefined }),
    (error: { code?: string; message?: string }) => ({
      status: undefined,
      user: undefined,
      error: `${error.code}: ${error.message}`,
    }),
  );
}

describe('Apache’s trailing-slash redirect in front of a protected location', () => {
  it('sends the unauthenticated first hop without any token (public redirect, plain axios)', async () => {
    const response = await axios.get(`${realm.url}/negotiate`, { maxRedirects: 0, validateStatus: () => true });
    expect(response.status).toBe(301);
    expect(String(response.headers.location)).toMatch(/\/negotiate\/$/);
  });

  it('refuses the tokenless 301 that answered a token sent up front under the default mutual: required', async () => {
    const api = axios.create({ baseURL: realm.url });
    kerberosAuth({ hosts: 'localhost' }).install(api);
    const result = await outcome(api.get('/negotiate'));
    expect(result.error).toMatch(/^ERR_KERBEROS_MUTUAL_AUTH: .*HTTP 301/);
  });

  it.each([
    ["pre-emptive (hosts: localhost, mutual: 'optional')", { hosts: 'localhost', mutual: 'optional' as const }],
    ['reactive (no hosts)', {}],
  ])('authenticates at /negotiate/ when asked for /negotiate — %s', async (_how, options) => {
    const api = axios.create({ baseURL: realm.url });
    kerberosAuth(options).install(api);
    const run = randomUUID();
    const before = accessLogLength();
    const result = await outcome(api.get(`/negotiate?run=${run}`));
    expect(result).toEqual({ status: 200, user: realm.alice, error: undefined });
    const log = await accessLogLines(before, run, 1); // mod_dir keeps the query string
    // The protected location was reached with a token exactly once.
    expect(log.filter((e) => e.status === 200 && e.negotiate)).toHaveLength(1);
  });
});
