import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { startServer, type TestServer } from '../helpers/server';

const run = promisify(execFile);

let server: TestServer | undefined;
afterEach(() => server?.close());

// NODE_DEBUG is read when a process starts, so the plugin runs in a child process, against
// a server that challenges and then accepts any token. The native module is not needed:
// the child mints with a stand-in provider through the same internal seam the unit tests use.
const child = `
  const axios = require('axios');
  const { createPlugin } = require('./dist/interceptors/install.js');
  const { resolveOptions } = require('./dist/options.js');
  const fake = { createContext: async () => ({ complete: false, step: async (t) => (t === '' ? 'U0VDUkVULVRPS0VO' : null) }) };
  const api = axios.create({ baseURL: process.argv[1] });
  createPlugin(resolveOptions({ mutual: 'optional' }), fake).install(api);
  api.get('/a').then(() => api.get('/b')).then(() => console.log('done'), (e) => { console.log('failed', e.code); process.exitCode = 1; });
`;

describe('NODE_DEBUG=axios-kerberos', () => {
  it('logs each decision (host, SPN, challenge, mutual result, timing) and never a token', async () => {
    server = await startServer((request, response) => {
      if (request.headers.authorization === undefined) response.writeHead(401, { 'WWW-Authenticate': 'Negotiate' });
      else response.writeHead(200);
      response.end();
    });
    const { stdout, stderr } = await run(process.execPath, ['-e', child, server.url], {
      cwd: resolve(__dirname, '../..'),
      env: { ...process.env, NODE_DEBUG: 'axios-kerberos' },
    });
    expect(stdout).toContain('done');
    expect(stderr).toMatch(/AXIOS-KERBEROS \d+: request to http:\/\/127\.0\.0\.1:\d+: no token up front/);
    expect(stderr).toMatch(/401 from http:\/\/127\.0\.0\.1:\d+: Negotiate offer/);
    expect(stderr).toMatch(/token for HTTP@127\.0\.0\.1 minted in [\d.]+ ms/);
    expect(stderr).toMatch(/mutual authentication with 127\.0\.0\.1 \(optional\): no server token, accepted/);
    expect(stderr).toMatch(/pre-emptive \(challenged before\)/);
    expect(stderr).not.toContain('U0VDUkVULVRPS0VO');
    expect(stderr).not.toContain('SECRET');
  });

  it('says when the request carries its own Authorization or `auth`, and sends no token', async () => {
    const seen: (string | undefined)[] = [];
    server = await startServer((request, response) => {
      seen.push(request.headers.authorization);
      response.writeHead(200).end();
    });
    // A Bearer default on the instance, then axios's `auth`, on a host in `hosts`.
    const script = `
      const axios = require('axios');
      const { createPlugin } = require('./dist/interceptors/install.js');
      const { resolveOptions } = require('./dist/options.js');
      const fake = { createContext: async () => ({ complete: true, step: async () => 'U0VDUkVULVRPS0VO' }) };
      const api = axios.create({ baseURL: process.argv[1], headers: { Authorization: 'Bearer abc' } });
      createPlugin(resolveOptions({ hosts: '127.0.0.1', mutual: 'optional' }), fake).install(api);
      api.get('/a')
        .then(() => api.get('/b', { headers: { Authorization: null }, auth: { username: 'u', password: 'p' } }))
        .then(() => console.log('done'), (e) => { console.log('failed', e.code); process.exitCode = 1; });
    `;
    const { stdout, stderr } = await run(process.execPath, ['-e', script, server.url], {
      cwd: resolve(__dirname, '../..'),
      env: { ...process.env, NODE_DEBUG: 'axios-kerberos' },
    });
    expect(stdout).toContain('done');
    expect(seen).toEqual(['Bearer abc', expect.stringMatching(/^Basic /)]);
    expect(stderr).toMatch(
      /request to http:\/\/127\.0\.0\.1:\d+: it carries its own Authorization header, no Negotiate token/,
    );
    expect(stderr).toMatch(
      /request to http:\/\/127\.0\.0\.1:\d+: it carries its own axios `auth` option, no Negotiate token/,
    );
  });

  it('tells the prefetched spare token apart from the one a request sends', async () => {
    server = await startServer((_request, response) => response.writeHead(200).end());
    const script = `
      const axios = require('axios');
      const { createPlugin } = require('./dist/interceptors/install.js');
      const { resolveOptions } = require('./dist/options.js');
      const fake = { createContext: async () => ({ complete: true, step: async () => 'U0VDUkVULVRPS0VO' }) };
      const api = axios.create({ baseURL: process.argv[1] });
      createPlugin(resolveOptions({ hosts: '127.0.0.1', mutual: 'optional' }), fake).install(api);
      api.get('/a').then(() => api.get('/b')).then(() => console.log('done'), (e) => { console.log('failed', e.code); process.exitCode = 1; });
    `;
    const { stdout, stderr } = await run(process.execPath, ['-e', script, server.url], {
      cwd: resolve(__dirname, '../..'),
      env: { ...process.env, NODE_DEBUG: 'axios-kerberos' },
    });
    expect(stdout).toContain('done');
    expect(stderr).toMatch(/: token for HTTP@127\.0\.0\.1 minted in [\d.]+ ms/);
    expect(stderr).toMatch(/: spare token \(prefetch, for the next request\) for HTTP@127\.0\.0\.1 minted in/);
    expect(stderr).toMatch(/: using the spare token for HTTP@127\.0\.0\.1/);
    expect(stderr).not.toContain('U0VDUkVULVRPS0VO');
  });

  it('says when a request goes on a session, and never prints the cookie', async () => {
    server = await startServer((request, response) => {
      if (request.headers.cookie === 'sid=SECRET-COOKIE') response.writeHead(200);
      else if (request.headers.authorization === undefined)
        response.writeHead(401, { 'WWW-Authenticate': 'Negotiate' });
      else
        response.writeHead(200, {
          'WWW-Authenticate': 'Negotiate ZmluYWw=',
          'Set-Cookie': 'sid=SECRET-COOKIE; Path=/',
        });
      response.end();
    });
    const sessionChild = `
      const axios = require('axios');
      const { createPlugin } = require('./dist/interceptors/install.js');
      const { resolveOptions } = require('./dist/options.js');
      const fake = { createContext: async () => { const c = { complete: false, step: async (t) => { if (t === '') return 'dG9rZW4='; c.complete = true; return null; } }; return c; } };
      const api = axios.create({ baseURL: process.argv[1] });
      createPlugin(resolveOptions({ hosts: '127.0.0.1', session: true }), fake).install(api);
      api.get('/a').then(() => api.get('/b')).then(() => console.log('done'), (e) => { console.log('failed', e.code); process.exitCode = 1; });
    `;
    const { stdout, stderr } = await run(process.execPath, ['-e', sessionChild, server.url], {
      cwd: resolve(__dirname, '../..'),
      env: { ...process.env, NODE_DEBUG: 'axios-kerberos' },
    });
    expect(stdout).toContain('done');
    expect(stderr).toMatch(/http:\/\/127\.0\.0\.1:\d+ set 1 cookie\(s\) on an authenticated response/);
    expect(stderr).toMatch(/request to http:\/\/127\.0\.0\.1:\d+: on its session, no token/);
    expect(stderr).not.toContain('SECRET');
    expect(server.requests[1]?.headers.cookie).toBe('sid=SECRET-COOKIE');
  });

  it('prints nothing when NODE_DEBUG does not name it', async () => {
    server = await startServer((_request, response) => response.writeHead(200).end());
    const env = { ...process.env };
    delete env.NODE_DEBUG;
    const { stderr } = await run(process.execPath, ['-e', child, server.url], {
      cwd: resolve(__dirname, '../..'),
      env,
    });
    expect(stderr).toBe('');
  });
});
