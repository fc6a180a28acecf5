import axios from 'axios';
import { randomUUID } from 'node:crypto';
import { kerberosAuth, type KerberosAuthOptions } from '../../lib';
import { guardEachTest } from '../helpers/security';
import { accessLogLength, realm } from './helpers/realm';
import { accessLogLines } from './helpers/security';

// Redirects inside a site that is protected as a whole (the realm's /krb/ area, behind
// mod_auth_gssapi): Apache authenticates first and redirects after, with its mutual token on
// the 3xx. The plugin follows each hop itself, verifies it, and sends the next hop its own
// token; a POST answered 303 or 307 runs once (the orders CGI counts). Both adapters.

guardEachTest();

interface Orders {
  user: string;
  method: string;
  length: number;
  orders: number;
}

describe.each(['http', 'fetch'] as const)('redirects on the realm’s Apache, %s adapter', (adapter) => {
  function client(options: KerberosAuthOptions = { hosts: 'localhost' }) {
    const api = axios.create({ baseURL: realm.url, adapter });
    kerberosAuth(options).install(api);
    return api;
  }

  it.each([
    ['up front (hosts: localhost)', { hosts: 'localhost' }],
    ['on challenge (no hosts)', {}],
  ])("follows mod_dir's /krb/sub -> /krb/sub/ with a token per hop, %s", async (_how, options) => {
    const run = randomUUID();
    const before = accessLogLength();
    const response = await client(options).get(`/krb/sub?run=${run}`);
    expect(response.status).toBe(200);
    expect(response.data).toBe('krb sub ok\n');
    expect(response.headers['x-remote-user']).toBe(realm.alice);
    const log = await accessLogLines(before, run, 2);
    const authenticated = log.filter((entry) => entry.negotiate);
    expect(authenticated.map((entry) => entry.status)).toEqual([301, 200]);
  });

  it('follows /krb/old -302-> /krb/new', async () => {
    const response = await client().get('/krb/old');
    expect(response.data).toBe('krb new ok\n');
    if (adapter === 'http') {
      expect((response.request as { res: { responseUrl: string } }).res.responseUrl).toBe(`${realm.url}/krb/new`);
    }
  });

  it('turns POST /krb/orders -303-> into GET /krb/orders/42; the order is made once', async () => {
    const run = randomUUID();
    const response = await client().post<Orders>(`/krb/orders?run=${run}&status=303`, 'item=1');
    expect(response.data).toEqual({ user: realm.alice, method: 'GET', length: 0, orders: 1 });
  });

  it('keeps method and body across POST /krb/orders -307->; the first POST runs once', async () => {
    const run = randomUUID();
    const response = await client().post<Orders>(`/krb/orders?run=${run}&status=307`, 'item=1');
    expect(response.data).toEqual({ user: realm.alice, method: 'POST', length: 6, orders: 1 });
  });

  it('runs a public POST -303-> to a protected page once (no hosts: the token goes on challenge)', async () => {
    const run = randomUUID();
    const response = await client({}).post<Orders>(`/public/orders?run=${run}&status=303`, 'item=1');
    expect(response.data).toEqual({ user: realm.alice, method: 'GET', length: 0, orders: 1 });
  });

  it("runs a public POST -303-> to a protected page once with a token up front and `mutual: 'optional'`", async () => {
    const run = randomUUID();
    const response = await client().post<Orders>(`/public/orders?run=${run}&status=303`, 'item=1', {
      kerberos: { mutual: 'optional' },
    });
    expect(response.data).toEqual({ user: realm.alice, method: 'GET', length: 0, orders: 1 });
  });

  it("refuses the tokenless 303 of a public POST that carried a token under 'required', and runs the POST once", async () => {
    const run = randomUUID();
    const api = client();
    await expect(api.post(`/public/orders?run=${run}&status=303`, 'item=1')).rejects.toMatchObject({
      code: 'ERR_KERBEROS_MUTUAL_AUTH',
    });
    const after = await api.get<Orders>(`/krb/orders/42?run=${run}`);
    expect(after.data.orders).toBe(1);
  });
});
