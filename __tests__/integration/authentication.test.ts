import axios from 'axios';
import { Agent } from 'node:http';
import { lookup } from 'node:dns';
import { createHash } from 'node:crypto';
import { kerberosAuth } from '../../lib';
import { accessLogLength, realm } from './helpers/realm';
import { accessLogLines } from './helpers/security';

// The realm's Apache holds HTTP/localhost, HTTP/127.0.0.1 and HTTP/krb.example.test.
describe('against Apache with mod_auth_gssapi and a real MIT KDC', () => {
  it('authenticates pre-emptively in one round trip and verifies the server (mutual)', async () => {
    const api = axios.create({ baseURL: realm.url });
    kerberosAuth({ hosts: 'localhost' }).install(api);
    const before = accessLogLength();
    const response = await api.get('/negotiate/?t=preemptive-one-round');
    expect(response.status).toBe(200);
    expect(response.headers['x-remote-user']).toBe(realm.alice);
    const lines = await accessLogLines(before, 't=preemptive-one-round', 1);
    expect(lines).toEqual([expect.objectContaining({ status: 200, negotiate: true })]);
  });

  it('answers the 401 challenge when the host is not listed up front, then goes pre-emptive', async () => {
    const api = axios.create({ baseURL: realm.url });
    kerberosAuth().install(api);
    const before = accessLogLength();
    expect((await api.get('/negotiate/?t=reactive-then-adaptive')).headers['x-remote-user']).toBe(realm.alice);
    expect((await api.get('/negotiate/?t=reactive-then-adaptive')).headers['x-remote-user']).toBe(realm.alice);
    const lines = await accessLogLines(before, 't=reactive-then-adaptive', 3);
    expect(lines.map((e) => e.status)).toEqual([401, 200, 200]);
  });

  it('finds Negotiate beside Basic in a 401 that offers both', async () => {
    const api = axios.create({ baseURL: realm.url });
    kerberosAuth().install(api);
    const probe = await axios.get(`${realm.url}/basic-or-negotiate/`, { validateStatus: () => true });
    expect(probe.status).toBe(401);
    expect(String(probe.headers['www-authenticate'])).toMatch(/Negotiate.*Basic|Basic.*Negotiate/);
    expect((await api.get('/basic-or-negotiate/')).headers['x-remote-user']).toBe(realm.alice);
  });

  it('authenticates with raw krb5 tokens too (mechanism: kerberos)', async () => {
    const api = axios.create({ baseURL: realm.url });
    kerberosAuth({ hosts: 'localhost', mechanism: 'kerberos' }).install(api);
    expect((await api.get('/negotiate/')).headers['x-remote-user']).toBe(realm.alice);
  });

  it('builds the SPN from the host actually requested: an IP address and a DNS alias', async () => {
    const ip = axios.create({ baseURL: realm.urlIp });
    kerberosAuth({ hosts: '127.0.0.1' }).install(ip);
    expect((await ip.get('/negotiate/')).status).toBe(200);

    // krb.example.test exists only for this client: a custom lookup sends it to 127.0.0.1.
    const httpAgent = new Agent({
      lookup: (_host, options, callback) => lookup('127.0.0.1', options, callback as never),
    });
    const alias = axios.create({ baseURL: `http://krb.example.test:${realm.port}`, httpAgent });
    kerberosAuth({ hosts: '*.example.test' }).install(alias);
    expect((await alias.get('/negotiate/')).headers['x-remote-user']).toBe(realm.alice);
    httpAgent.destroy();
  });

  it('re-sends a POST body byte-identical after the challenge (server hashes what it got)', async () => {
    const api = axios.create({ baseURL: realm.url });
    kerberosAuth({ preemptive: false }).install(api);
    const payload = { text: 'grüße', numbers: Array.from({ length: 500 }, (_, i) => i) };
    const response = await api.post<{ sha256: string; length: number; user: string }>('/negotiate/echo', payload);
    const expected = Buffer.from(JSON.stringify(payload));
    expect(response.data).toMatchObject({
      user: realm.alice,
      length: expected.length,
      sha256: createHash('sha256').update(expected).digest('hex'),
    });
  });

  it('reaches public locations of a listed host when mutual authentication is optional for them', async () => {
    const api = axios.create({ baseURL: realm.url });
    kerberosAuth({ hosts: 'localhost' }).install(api);
    await expect(api.get('/public/')).rejects.toMatchObject({ code: 'ERR_KERBEROS_MUTUAL_AUTH' });
    expect((await api.get('/public/', { kerberos: { mutual: 'optional' } })).status).toBe(200);
  });
});
