import axios from 'axios';
import { kerberosAuth, MutualAuthenticationError } from '../../lib';
import { startNodeAcceptor, type NodeAcceptor } from './helpers/node-acceptor';
import { realm } from './helpers/realm';

let server: NodeAcceptor | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('mutual authentication against a real GSS acceptor', () => {
  it("accepts the server's genuine final token", async () => {
    server = await startNodeAcceptor();
    const api = axios.create({ baseURL: server.url });
    kerberosAuth({ hosts: 'localhost' }).install(api);
    const response = await api.get('/');
    expect(response.headers['x-remote-user']).toBe(realm.alice);
    expect(response.data).toBe('secret data');
  });

  it('catches a forged server token: a genuine one from another handshake (replayed)', async () => {
    // Capture one real final token, then serve it to the next client: a replay a
    // man in the middle could make. It belongs to another context and must not verify.
    let captured: string | undefined;
    server = await startNodeAcceptor({
      finalToken: (real) => {
        if (captured === undefined) {
          captured = real ?? undefined;
          return real ?? undefined;
        }
        return captured;
      },
    });
    const api = axios.create({ baseURL: server.url });
    kerberosAuth({ hosts: 'localhost' }).install(api);
    await api.get('/');
    const error: unknown = await api.get('/').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MutualAuthenticationError);
    expect(JSON.stringify(error)).not.toContain('secret data');
  });

  it('catches a garbage server token that is valid base64', async () => {
    server = await startNodeAcceptor({ finalToken: () => Buffer.from('not a GSS token at all').toString('base64') });
    const api = axios.create({ baseURL: server.url });
    kerberosAuth({ hosts: 'localhost', mutual: 'optional' }).install(api);
    await expect(api.get('/')).rejects.toMatchObject({ code: 'ERR_KERBEROS_MUTUAL_AUTH' });
  });

  it('fails when the server leaves its token out, under the http: default of required', async () => {
    server = await startNodeAcceptor({ finalToken: () => undefined });
    const api = axios.create({ baseURL: server.url });
    kerberosAuth({ hosts: 'localhost' }).install(api);
    await expect(api.get('/')).rejects.toBeInstanceOf(MutualAuthenticationError);
  });
});
