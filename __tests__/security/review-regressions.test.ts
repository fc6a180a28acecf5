import axios from 'axios';
import { createPlugin } from '../../lib/plugin';
import { resolveOptions } from '../../lib/options';
import { FakeGss, decodeToken } from '../helpers/fake-gss';
import { fakeAcceptor } from '../helpers/acceptor';
import { negotiateToken, startServer, type TestServer } from '../helpers/server';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

describe('found in review', () => {
  it('leaves no unsent token on the error when the time runs out before the re-send', async () => {
    const server = await startServer(fakeAcceptor().handler);
    servers.push(server);
    const gss = new FakeGss();
    gss.delayMs = 150; // minting after the 401 takes longer than the time left
    const api = axios.create({ baseURL: server.url, timeout: 200 });
    createPlugin(resolveOptions({}), gss).install(api);
    const error: unknown = await api.get('/x').catch((e: unknown) => e);
    expect(axios.isAxiosError(error)).toBe(true);
    expect((error as { code?: string }).code).toBe('ECONNABORTED');
    expect(server.requests).toHaveLength(1);
    expect(JSON.stringify(error)).not.toMatch(/Negotiate (?!\[redacted\])/);
  });

  it("does not apply a request's own spn to the host a redirect chain ended at", async () => {
    const b = await startServer(fakeAcceptor({ mutualToken: false }).handler, '127.0.0.2');
    const a = await startServer((_request, response) => response.writeHead(302, { Location: `${b.url}/x` }).end());
    servers.push(a, b);
    const api = axios.create({ baseURL: a.url });
    createPlugin(resolveOptions({ mutual: 'optional' }), new FakeGss()).install(api);
    await api.get('/start', { kerberos: { spn: 'HTTP@a-service.corp' } });
    const sent = b.requests.map((request) => negotiateToken(request)).filter((token) => token !== undefined);
    expect(sent.map((token) => decodeToken(token)?.spn)).toEqual(['HTTP@127.0.0.2']);
  });

  it('does no SPN work (no CNAME lookup) for a host that gets no token up front', async () => {
    const server = await startServer((_request, response) => response.writeHead(200).end());
    servers.push(server);
    const lookups: string[] = [];
    const api = axios.create({ baseURL: `http://localhost:${server.port}` });
    const resolveCname = async (name: string) => {
      lookups.push(name);
      return [];
    };
    const options = resolveOptions({ hosts: 'elsewhere.example', canonicalize: 'cname' });
    createPlugin(options, new FakeGss(), 'linux', resolveCname).install(api);
    await api.get('/x');
    expect(lookups).toEqual([]);
  });

  it('rejects at once when the signal aborts while a token is being minted, not after GSS returns', async () => {
    const server = await startServer(fakeAcceptor().handler);
    servers.push(server);
    const gss = new FakeGss();
    gss.delayMs = 1000;
    const api = axios.create({ baseURL: server.url });
    createPlugin(resolveOptions({ hosts: '127.0.0.1', timeout: 5000 }), gss).install(api);
    const controller = new AbortController();
    const pending = api.get('/x', { signal: controller.signal }).catch((e: unknown) => e);
    setTimeout(() => controller.abort(), 30);
    const started = Date.now();
    const error = await pending;
    expect(axios.isCancel(error)).toBe(true);
    expect(Date.now() - started).toBeLessThan(500);
    expect(server.requests).toHaveLength(0);
  });
});
