import axios from 'axios';
import { kerberosAuth } from '../../lib';
import { guardEachTest, kerberosAuthErrorOf, leaks } from '../helpers/security';
import { realm } from './helpers/realm';
import { startNodeAcceptor } from './helpers/node-acceptor';

// The SPNEGO reject token (negState reject: A1 07 30 05 A0 03 0A 01 02) answering a real
// Kerberos token, with the real GSS library on the client side.

const REJECT = 'oQcwBaADCgEC';
const { track } = guardEachTest();

/** Accepts a real token, then answers it with the reject token and 401. */
async function rejectingServer() {
  return track(
    await startNodeAcceptor({
      answer: (response) => {
        response.writeHead(401, { 'WWW-Authenticate': `Negotiate ${REJECT}` }).end('rejected');
      },
    }),
  );
}

describe('a server that answers a real token with the SPNEGO reject token and 401', () => {
  it('fails with ERR_KERBEROS_REJECTED after one genuine token (pre-emptive), without looping', async () => {
    const server = await rejectingServer();
    const api = axios.create({ baseURL: server.url });
    kerberosAuth({ hosts: 'localhost' }).install(api);
    const error = await kerberosAuthErrorOf(api.get('/x'));
    expect(error.code).toBe('ERR_KERBEROS_REJECTED');
    expect(error).toMatchObject({ host: 'localhost', spn: 'HTTP@localhost' });
    expect(server.accepted).toEqual([realm.alice]); // the token we sent was a real, valid one
    expect(server.requests).toHaveLength(1);
  });

  it('fails with ERR_KERBEROS_REJECTED after the challenge round (no hosts), two requests in all', async () => {
    const server = await rejectingServer();
    const api = axios.create({ baseURL: server.url });
    kerberosAuth().install(api);
    const error = await kerberosAuthErrorOf(api.get('/x'));
    expect(error.code).toBe('ERR_KERBEROS_REJECTED');
    expect(server.requests.map((r) => r.negotiate)).toEqual([false, true]);
    expect(server.accepted).toEqual([realm.alice]);
  });

  it('never puts the real token into the error’s message, inspection, JSON or string form', async () => {
    const server = await rejectingServer();
    const api = axios.create({ baseURL: server.url });
    kerberosAuth({ hosts: 'localhost' }).install(api);
    const error = await kerberosAuthErrorOf(api.get('/x'));
    const secrets = server.tokens.flatMap((header) => [header, header.slice('Negotiate '.length)]);
    expect(secrets.length).toBeGreaterThan(0);
    expect(leaks(error, secrets)).toEqual([]);
  });

  it('still authenticates against the same kind of server when it accepts (control)', async () => {
    const server = track(
      await startNodeAcceptor({
        answer: (response, serverToken) => {
          response.writeHead(200, { 'WWW-Authenticate': `Negotiate ${serverToken}` }).end('welcome');
        },
      }),
    );
    const api = axios.create({ baseURL: server.url });
    kerberosAuth({ hosts: 'localhost' }).install(api);
    expect((await api.get('/x')).data).toBe('welcome');
  });
});
