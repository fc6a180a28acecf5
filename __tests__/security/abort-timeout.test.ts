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

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

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
    const { error, abortedAt } = await abortAfter(api, 2);
    expect(axios.isCancel(error)).toBe(true);
    expect((error as AxiosError).code).toBe('ERR_CANCELED');
    expect(Date.now() - abortedAt).toBeLessThan(500);
    expect(server.requests).toHaveLength(2);
    expect(negotiateToken(server.requests[1]!)).toBeDefined();
  });

  it('aborts the whole exchange when it fires while the token for the re-send is being minted; nothing more is sent', async () => {
    server = await serve(challengeThen((request, response) => fakeAcceptor().handler(request, response)));
    const gss = new FakeGss();
    gss.delayMs = 150;
    const { api } = client({}, gss);
    const { error } = await abortAfter(api, 1);
    expect(axios.isCancel(error)).toBe(true);
    await sleep(400); // long enough for a re-send that should not happen
    expect(server.requests).toHaveLength(1);
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
    const started = Date.now();
    const error = await rejectionOf(api.get('/x', { timeout: 400 }));
    expect(isTimeout(error)).toBe(true);
    expect(Date.now() - started).toBeLessThan(1200);
    expect(server.requests).toHaveLength(2);
  });

  it('covers the whole exchange: two hops each under the timeout but together over it fail', async () => {
    const acceptor = fakeAcceptor();
    server = await serve((request, response) => {
      setTimeout(() => acceptor.handler(request, response), 350);
    });
    const { api } = client({});
    const started = Date.now();
    const error = await rejectionOf(api.get('/x', { timeout: 600 }));
    expect(isTimeout(error)).toBe(true);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('lets the same slow exchange through when the timeout covers both hops', async () => {
    const acceptor = fakeAcceptor();
    server = await serve((request, response) => {
      setTimeout(() => acceptor.handler(request, response), 350);
    });
    const { api } = client({});
    const response = await api.get('/x', { timeout: 3000 });
    expect(response.status).toBe(200);
    expect(server.requests).toHaveLength(2);
  });

  it('fails with a timeout and sends nothing more when minting the re-send token used up the timeout', async () => {
    server = await serve(fakeAcceptor().handler);
    const gss = new FakeGss();
    gss.delayMs = 250; // creating the context and stepping it: 500 ms before a re-send could leave
    const { api } = client({}, gss);
    const started = Date.now();
    const error = await rejectionOf(api.get('/x', { timeout: 400 }));
    expect(isTimeout(error) || (error as { code?: string }).code === 'ERR_KERBEROS_TIMEOUT').toBe(true);
    expect(Date.now() - started).toBeLessThan(1000);
    await sleep(100);
    expect(server.requests).toHaveLength(1); // the 401 only: no request after the deadline
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
