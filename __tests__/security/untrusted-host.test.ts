import { decodeToken } from '../helpers/fake-gss';
import { fakeAcceptor } from '../helpers/acceptor';
import { pluginTestFile } from '../helpers/plugin-client';
import { negotiateToken } from '../helpers/server';
import { untrustedHostError } from '../helpers/security';
import '../../lib/augment';

// A request that forces a token (`kerberos.spn`) or delegation (`kerberos.delegate: true`) onto
// a host outside `hosts` fails with ERR_KERBEROS_UNTRUSTED_HOST, and nothing is sent.

const { serve, client } = pluginTestFile();

describe('a per-request `kerberos.spn` for a host outside `hosts`', () => {
  it('fails with ERR_KERBEROS_UNTRUSTED_HOST naming the host and SPN, and sends nothing', async () => {
    const server = await serve(fakeAcceptor().handler);
    const { api, gss } = client({ hosts: 'api.example.test' });
    const error = await untrustedHostError(api.get('/x', { kerberos: { spn: 'HTTP@api.example.test' } }));
    expect(error).toMatchObject({ host: '127.0.0.1', spn: 'HTTP@api.example.test' });
    expect(error.message).toContain('127.0.0.1');
    expect(error.message).toContain('HTTP@api.example.test');
    expect(error.message).toContain('hosts');
    expect(server.requests).toHaveLength(0);
    expect(gss.contexts).toHaveLength(0);
  });

  it('fails the same way with `preemptive: false`, before any request goes out', async () => {
    const server = await serve(fakeAcceptor().handler);
    const { api } = client({ hosts: 'api.example.test', preemptive: false });
    await untrustedHostError(api.get('/x', { kerberos: { spn: 'HTTP/api.example.test' } }));
    expect(server.requests).toHaveLength(0);
  });

  it('uses the forced SPN for a host that is in `hosts`', async () => {
    const server = await serve(fakeAcceptor().handler);
    const { api } = client({ hosts: '127.0.0.1' });
    await api.get('/x', { kerberos: { spn: 'HTTP@svc.example.test' } });
    expect(decodeToken(negotiateToken(server.requests[0]!)!)?.spn).toBe('HTTP@svc.example.test');
  });

  it('is allowed when `hosts` is unset (any host may be answered)', async () => {
    const server = await serve(fakeAcceptor().handler);
    const { api } = client({});
    expect((await api.get('/x', { kerberos: { spn: 'HTTP@svc.example.test' } })).status).toBe(200);
    expect(decodeToken(negotiateToken(server.requests.at(-1)!)!)?.spn).toBe('HTTP@svc.example.test');
  });
});

describe('a per-request `kerberos.delegate: true` for a host outside `hosts`', () => {
  it('fails with ERR_KERBEROS_UNTRUSTED_HOST and sends nothing', async () => {
    const server = await serve(fakeAcceptor().handler);
    const { api, gss } = client({ hosts: 'api.example.test' });
    await untrustedHostError(api.get('/x', { kerberos: { delegate: true } }));
    expect(server.requests).toHaveLength(0);
    expect(gss.contexts).toHaveLength(0);
  });

  it('fails the same way when `hosts` is unset: delegation always needs an explicit allowlist', async () => {
    const server = await serve(fakeAcceptor().handler);
    const { api } = client({});
    await untrustedHostError(api.get('/x', { kerberos: { delegate: true } }));
    expect(server.requests).toHaveLength(0);
  });

  it('delegates to a listed host', async () => {
    const server = await serve(fakeAcceptor().handler);
    const { api } = client({ hosts: '127.0.0.1' });
    await api.get('/x', { kerberos: { delegate: true } });
    expect(decodeToken(negotiateToken(server.requests[0]!)!)?.delegate).toBe(true);
  });
});

describe("a request's own `kerberos.spn` and a redirect", () => {
  it('applies only to the host the request was sent to, not to the host a redirect chain ends at', async () => {
    const b = await serve(fakeAcceptor({ mutualToken: false }).handler, '127.0.0.2');
    const a = await serve((_request, response) => response.writeHead(302, { Location: `${b.url}/x` }).end());
    const { api } = client({ mutual: 'optional' });
    await api.get(`${a.url}/start`, { kerberos: { spn: 'HTTP@a-service.corp' } });
    const sent = b.requests.map((request) => negotiateToken(request)).filter((token) => token !== undefined);
    expect(sent.map((token) => decodeToken(token)?.spn)).toEqual(['HTTP@127.0.0.2']);
  });
});
