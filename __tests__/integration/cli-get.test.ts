import { requireBuiltCli, runBuiltCli } from '../cli/built-cli';
import { realm } from './helpers/realm';

function env(overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...overrides };
}

// A Negotiate token as it would appear on the wire: long base64 after the scheme.
const RAW_TOKEN = /Negotiate [A-Za-z0-9+/]{16,}/;

beforeAll(() => requireBuiltCli());

describe('axios-kerberos get against the realm', () => {
  it('prints the authenticated body, like curl --negotiate -u :', async () => {
    const run = await runBuiltCli(['get', `${realm.url}/negotiate/`], env());
    expect(run).toMatchObject({ code: 0, stdout: 'negotiate ok\n', stderr: '' });
  });

  it('with -i prints the status line and headers first, with no token in them', async () => {
    const run = await runBuiltCli(['get', '-i', `${realm.url}/negotiate/`], env());
    expect(run.code).toBe(0);
    const [head, body] = run.stdout.split('\r\n\r\n') as [string, string];
    expect(head).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(head).toMatch(/\r\nX-Remote-User: alice@AK\.TEST\r\n/);
    expect(head).toMatch(/\r\nWWW-Authenticate: Negotiate <redacted \d+ bytes>\r\n/);
    expect(run.stdout).not.toMatch(RAW_TOKEN);
    expect(body).toBe('negotiate ok\n');
  });

  it('sends -X, -H and -d through the authenticated request', async () => {
    const run = await runBuiltCli(
      ['get', '-X', 'PUT', '-H', 'Content-Type: text/plain', '-d', 'hello', `${realm.url}/negotiate/echo`],
      env(),
    );
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ user: 'alice@AK.TEST', method: 'PUT', length: 5, delegated: false });
  });

  it('--delegate forwards the TGT to the server', async () => {
    const run = await runBuiltCli(['get', '--delegate', `${realm.url}/deleg/echo`], env());
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ user: 'alice@AK.TEST', delegated: true });
  });

  it('exits 1 with the error code and fix on stderr when there is no ticket, printing no body', async () => {
    const run = await runBuiltCli(['get', `${realm.url}/negotiate/`], env({ KRB5CCNAME: 'FILE:/nonexistent' }));
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^axios-kerberos: ERR_KERBEROS_NO_CREDENTIALS: .*Fix: .*kinit/);
  });

  it('prints an error page like curl, status on stderr and exit 1, whether or not it carries a server token', async () => {
    // Apache authenticates /negotiate/ before it finds nothing there (a server token comes
    // with the 404); /public/ sends none. Neither is a mutual-authentication failure.
    const verified = await runBuiltCli(['get', '-i', `${realm.url}/negotiate/missing`], env());
    expect(verified.code).toBe(1);
    expect(verified.stdout).toMatch(/^HTTP\/1\.1 404 Not Found\r\n[\s\S]*\r\n\r\n<!DOCTYPE HTML/);
    expect(verified.stderr).toBe('axios-kerberos: HTTP 404 Not Found\n');
    const tokenless = await runBuiltCli(['get', `${realm.url}/public/missing`], env());
    expect(tokenless.code).toBe(1);
    expect(tokenless.stdout).toMatch(/<title>404 Not Found<\/title>/);
    expect(tokenless.stderr).toBe('axios-kerberos: HTTP 404 Not Found\n');
  });

  it('exits 1 with ERR_KERBEROS_MUTUAL_AUTH for a resource that does not authenticate, unless --mutual optional', async () => {
    const strict = await runBuiltCli(['get', `${realm.url}/public/`], env());
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/ERR_KERBEROS_MUTUAL_AUTH/);
    const optional = await runBuiltCli(['get', '--mutual', 'optional', `${realm.url}/public/`], env());
    expect(optional).toMatchObject({ code: 0, stdout: 'public ok\n' });
  });
});
