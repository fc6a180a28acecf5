import axios from 'axios';
import { wrapper } from 'axios-cookiejar-support';
import { randomUUID } from 'node:crypto';
import { CookieJar } from 'tough-cookie';
import { kerberosAuth, type KerberosAuthOptions } from '../../lib';
import { startHadoopAcceptor, type HadoopAcceptor } from './helpers/hadoop-acceptor';
import { accessLogLength, realm } from './helpers/realm';
import { accessLogLines } from './helpers/security';

/** A client of the realm's Apache, whose /session/ location has GssapiUseSessions On. */
function apacheClient(options: KerberosAuthOptions = {}, jar?: CookieJar) {
  const api =
    jar === undefined ? axios.create({ baseURL: realm.url }) : wrapper(axios.create({ baseURL: realm.url, jar }));
  kerberosAuth({ hosts: 'localhost', ...options }).install(api);
  return api;
}

function marker(name: string): string {
  return `t=${name}-${randomUUID().slice(0, 8)}`;
}

async function sequentially(count: number, request: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < count; i++) await request();
}

// Expiry is tested against the Java server (its secret rolls over). Rotating Apache's session
// key takes a graceful reload, which closes idle keep-alive connections of the test files
// running in parallel; `npm run bench` measures it instead (realm.sh rotate-session-key).
describe('Apache mod_auth_gssapi with GssapiUseSessions', () => {
  it('authenticates once with a token, then 19 requests on the session cookie', async () => {
    const api = apacheClient({ session: true });
    const t = marker('apache-reuse');
    await sequentially(20, async () => {
      const response = await api.get(`/session/?${t}`);
      expect(response.headers['x-remote-user']).toBe(realm.alice);
    });
    const lines = await accessLogLines(0, t, 20);
    expect(lines.map((l) => l.status)).toEqual(Array(20).fill(200));
    expect(lines.filter((l) => l.negotiate)).toHaveLength(1);
  });

  it('costs a handful of tokens and no error when 16 requests race on the first handshake', async () => {
    const api = apacheClient({ session: true });
    const t = marker('apache-race');
    const before = accessLogLength();
    const responses = await Promise.all(Array.from({ length: 16 }, () => api.get(`/session/?${t}`)));
    expect(responses.every((r) => r.headers['x-remote-user'] === realm.alice)).toBe(true);
    const lines = await accessLogLines(before, t, 16);
    expect(lines.every((l) => l.status === 200)).toBe(true);
    expect(lines.filter((l) => l.negotiate).length).toBeLessThanOrEqual(2);
  });

  it.each([
    ['without `session`', {}],
    ['with `session: true`', { session: true }],
  ])('works with the caller’s cookie jar and stops sending tokens (%s)', async (_title, options) => {
    const api = apacheClient(options, new CookieJar());
    const t = marker('apache-jar');
    const before = accessLogLength();
    await sequentially(10, () => api.get(`/session/?${t}`));
    const lines = await accessLogLines(before, t, 10);
    expect(lines.every((l) => l.status === 200)).toBe(true);
    expect(lines.filter((l) => l.negotiate)).toHaveLength(1);
  });

  it.each(['http', 'fetch'] as const)(
    'keeps the session across the redirect hops it follows (%s adapter)',
    async (adapter) => {
      const api = axios.create({ baseURL: realm.url, adapter });
      kerberosAuth({ hosts: 'localhost', session: true }).install(api);
      const t = marker(`apache-redirect-${adapter}`);
      const before = accessLogLength();
      // mod_dir's /session/sub -> /session/sub/, first with a token, then on the session.
      for (let i = 0; i < 3; i++) {
        const response = await api.get(`/session/sub?${t}`);
        expect(response.data).toBe('session sub ok\n');
        expect(response.headers['x-remote-user']).toBe(realm.alice);
      }
      const lines = await accessLogLines(before, t, 6);
      expect(lines.map((l) => l.status)).toEqual([301, 200, 301, 200, 301, 200]);
      // One token in all: the 301 that answered it verified and set the session cookie.
      expect(lines.map((l) => l.negotiate)).toEqual([true, false, false, false, false, false]);
    },
  );

  it('works with the fetch adapter', async () => {
    const api = axios.create({ baseURL: realm.url, adapter: 'fetch' });
    kerberosAuth({ hosts: 'localhost', session: true }).install(api);
    const t = marker('apache-fetch');
    const before = accessLogLength();
    await sequentially(5, () => api.get(`/session/?${t}`));
    const lines = await accessLogLines(before, t, 5);
    expect(lines.map((l) => l.negotiate)).toEqual([true, false, false, false, false]);
  });
});

describe('a Java (JGSS) server with a Hadoop-style signed cookie', () => {
  let server: HadoopAcceptor;
  beforeAll(async () => {
    server = await startHadoopAcceptor();
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  });

  async function delta(run: () => Promise<void>) {
    const before = await server.stats();
    await run();
    const after = await server.stats();
    return {
      tokens: after.tokens - before.tokens,
      challenges: after.challenges - before.challenges,
      onSession: after.onSession - before.onSession,
    };
  }

  it('authenticates once for 20 requests with `session: true`, and once more after the secret rolls over', async () => {
    const api = axios.create({ baseURL: server.url });
    kerberosAuth({ hosts: 'localhost', session: true }).install(api);
    expect(await delta(() => sequentially(20, () => api.get('/data')))).toEqual({
      tokens: 1,
      challenges: 0,
      onSession: 19,
    });
    await server.rotate();
    expect(await delta(() => sequentially(5, () => api.get('/data')))).toEqual({
      tokens: 1,
      challenges: 1,
      onSession: 4,
    });
  });

  it.each([
    ['without `session`', {}],
    ['with `session: true`', { session: true }],
  ])('serves every request with the caller’s cookie jar on http: (%s)', async (_title, options) => {
    // The server ignores a token next to a valid cookie and then sends no server token,
    // which 'required' would refuse: the plugin must leave the token off.
    const api = wrapper(axios.create({ baseURL: server.url, jar: new CookieJar() }));
    kerberosAuth({ hosts: 'localhost', ...options }).install(api);
    const counts = await delta(async () => {
      const responses = await Promise.all(Array.from({ length: 4 }, () => api.get('/data')));
      expect(responses.every((r) => r.status === 200)).toBe(true);
      await sequentially(10, () => api.get('/data'));
    });
    expect(counts.tokens).toBeLessThanOrEqual(2);
    expect(counts.onSession).toBeGreaterThanOrEqual(12);
  });

  it('does not take a session from a response it could not verify', async () => {
    const api = axios.create({ baseURL: server.url });
    kerberosAuth({ hosts: 'localhost', session: true, mutual: 'disabled' }).install(api);
    expect(await delta(() => sequentially(3, () => api.get('/data')))).toEqual({
      tokens: 3,
      challenges: 0,
      onSession: 0,
    });
  });
});
