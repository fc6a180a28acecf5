import axios, { type AxiosError, type AxiosInstance } from 'axios';
import type { ServerResponse } from 'node:http';
import { FakeGss } from '../helpers/fake-gss';
import { fakeAcceptor } from '../helpers/acceptor';
import { pluginTestFile } from '../helpers/plugin-client';
import { negotiateToken, type RecordedRequest, type TestServer } from '../helpers/server';
import { leaks, rejectionOf, sentSecrets } from '../helpers/security';
import '../../lib/augment';

// `signal` and `timeout` apply to the whole exchange, the re-send after a 401 included.

const { serve, client } = pluginTestFile();
let server: TestServer | undefined;

/** Resolves when the server has received `count` requests. */
function receivedRequests(target: () => TestServer | undefined, count: number): Promise<void> {
  return new Promise((resolve) => {
    const poll = (): void => {
      if ((target()?.requests.length ?? 0) >= count) resolve();
      else setTimeout(poll, 2);
    };
    poll();
  });
}

/** Resolves when the plugin has started a GSS call (held by `gss.hold()`). */
function gssCalled(gss: FakeGss): Promise<void> {
  return new Promise((resolve) => {
    const poll = (): void => {
      if (gss.pending > 0) resolve();
      else setTimeout(poll, 2);
    };
    poll();
  });
}

/** 401 `Negotiate` without our token; with it, `answer` (which may never respond). */
function challengeThen(answer: (request: RecordedRequest, response: ServerResponse) => void) {
  const acceptor = fakeAcceptor();
  return (request: RecordedRequest, response: ServerResponse): void => {
    if (negotiateToken(request) === undefined) acceptor.handler(request, response);
    else answer(request, response);
  };
}

/**
 * GETs /x with an AbortSignal and aborts once the server has received `count` requests; the
 * request's rejection, and when the abort happened.
 */
async function abortAfter(api: AxiosInstance, count: number): Promise<{ error: unknown; abortedAt: number }> {
  const controller = new AbortController();
  const pending = rejectionOf(api.get('/x', { signal: controller.signal }));
  await receivedRequests(() => server, count);
  const abortedAt = Date.now();
  controller.abort();
  return { error: await pending, abortedAt };
}

function isTimeout(error: unknown): boolean {
  return axios.isAxiosError(error) && ['ECONNABORTED', 'ETIMEDOUT'].includes((error as AxiosError).code ?? '');
}

describe('an AbortSignal', () => {
  it('aborts the whole exchange when it fires while the re-sent request is on the wire', async () => {
    server = await serve(challengeThen(() => undefined)); // the re-send never gets an answer
    const { api } = client({});
    // The server never answers: without the abort this test would hang until Jest fails it.
    const { error } = await abortAfter(api, 2);
    expect(axios.isCancel(error)).toBe(true);
    expect((error as AxiosError).code).toBe('ERR_CANCELED');
    expect(server.requests).toHaveLength(2);
    expect(negotiateToken(server.requests[1]!)).toBeDefined();
  });

  it('aborts the whole exchange when it fires while the token for the re-send is being minted; nothing more is sent', async () => {
    server = await serve(challengeThen((request, response) => fakeAcceptor().handler(request, response)));
    const gss = new FakeGss();
    const release = gss.hold(); // the KDC answers only after the abort
    const { api, sent } = client({}, gss);
    const controller = new AbortController();
    const pending = rejectionOf(api.get('/x', { signal: controller.signal }));
    await gssCalled(gss);
    controller.abort();
    expect(axios.isCancel(await pending)).toBe(true);
    release();
    await gss.idle(); // the late token is minted, and whatever the plugin does with it has run
    expect(gss.contexts).toHaveLength(1);
    expect(sent.count).toBe(1);
    expect(server.requests).toHaveLength(1);
  });

  it('rejects at once, before anything is sent, when it fires while the first token is being minted', async () => {
    server = await serve(fakeAcceptor().handler);
    const gss = new FakeGss();
    const release = gss.hold(); // GSS does not return until the test has seen the rejection
    const { api, sent } = client({ hosts: '127.0.0.1', timeout: 5000 }, gss);
    const controller = new AbortController();
    const pending = rejectionOf(api.get('/x', { signal: controller.signal }));
    await gssCalled(gss);
    controller.abort();
    expect(axios.isCancel(await pending)).toBe(true);
    expect(gss.pending).toBeGreaterThan(0); // rejected while GSS was still at work
    release();
    await gss.idle();
    expect(sent.count).toBe(0);
    expect(server.requests).toHaveLength(0);
  });

  it('aborts the whole exchange in a later SPNEGO round too', async () => {
    const acceptor = fakeAcceptor({ extraRounds: 1 });
    let rounds = 0;
    server = await serve((request, response) => {
      // The second token (the continuation) is never answered.
      if (negotiateToken(request) !== undefined && ++rounds === 2) return;
      acceptor.handler(request, response);
    });
    const { api } = client({ hosts: '127.0.0.1' });
    const { error } = await abortAfter(api, 2);
    expect(axios.isCancel(error)).toBe(true);
    expect(server.requests).toHaveLength(2);
  });
});

describe('the axios `timeout`', () => {
  it('covers the re-send: a second response that never comes fails within the timeout', async () => {
    server = await serve(challengeThen(() => undefined));
    const { api } = client({});
    // The re-send is never answered: without the timeout this test would hang.
    const error = await rejectionOf(api.get('/x', { timeout: 400 }));
    expect(isTimeout(error)).toBe(true);
    expect(server.requests).toHaveLength(2);
  });

  // Each hop takes HOP_MS. A slow machine only makes hops longer, so two hops always exceed
  // the timeout; one hop stays 500 ms under it, and both together 3.8 s under the long one.
  const HOP_MS = 600;

  it('covers the whole exchange: two hops each under the timeout but together over it fail', async () => {
    const acceptor = fakeAcceptor();
    server = await serve((request, response) => {
      setTimeout(() => acceptor.handler(request, response), HOP_MS);
    });
    const { api } = client({});
    const error = await rejectionOf(api.get('/x', { timeout: HOP_MS + 500 }));
    expect(isTimeout(error)).toBe(true);
    expect(server.requests).toHaveLength(2); // the first hop got through; the timeout cut the second
  });

  it('lets the same slow exchange through when the timeout covers both hops', async () => {
    const acceptor = fakeAcceptor();
    server = await serve((request, response) => {
      setTimeout(() => acceptor.handler(request, response), HOP_MS);
    });
    const { api } = client({});
    const response = await api.get('/x', { timeout: 2 * HOP_MS + 3800 });
    expect(response.status).toBe(200);
    expect(server.requests).toHaveLength(2);
  });

  it('fails with a timeout and sends nothing more when minting the re-send token used up the timeout', async () => {
    server = await serve(fakeAcceptor().handler);
    const gss = new FakeGss();
    gss.delayMs = 250; // creating the context and stepping it: 500 ms, past the 400 ms deadline
    const { api, sent } = client({}, gss);
    const error = await rejectionOf(api.get('/x', { timeout: 400 }));
    expect(isTimeout(error) || (error as { code?: string }).code === 'ERR_KERBEROS_TIMEOUT').toBe(true);
    await gss.idle(); // the late token is minted, and whatever the plugin does with it has run
    expect(sent.count).toBe(1);
    expect(server.requests).toHaveLength(1); // the 401 only: no request after the deadline
    expect(JSON.stringify(error)).not.toMatch(/Negotiate (?!\[redacted\])/); // nor a late token on the error
  });
});

describe('errors that end an exchange after our token went out', () => {
  it('carry no token in util.inspect, JSON.stringify, String or message: an abort during the re-send', async () => {
    server = await serve(challengeThen(() => undefined));
    const { api } = client({});
    const { error } = await abortAfter(api, 2);
    expect(axios.isCancel(error)).toBe(true);
    const secrets = sentSecrets(server);
    expect(secrets.length).toBeGreaterThan(0);
    expect(leaks(error, secrets)).toEqual([]);
  });

  it('carry no token in util.inspect, JSON.stringify, String or message: a timeout of the re-send', async () => {
    server = await serve(challengeThen(() => undefined));
    const { api } = client({});
    const error = await rejectionOf(api.get('/x', { timeout: 300 }));
    expect(isTimeout(error)).toBe(true);
    const secrets = sentSecrets(server);
    expect(secrets.length).toBeGreaterThan(0);
    expect(leaks(error, secrets)).toEqual([]);
  });
});
