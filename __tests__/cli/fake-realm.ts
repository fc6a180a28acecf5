import type { ServerResponse } from 'node:http';
import type { DoctorDeps } from '../../lib/cli/doctor/run';
import type { CnameResolver } from '../../lib/core/spn-resolver';
import type { Run } from '../../lib/cli/klist';
import { FakeGss, decodeToken, encodeToken } from '../helpers/fake-gss';
import { type RecordedRequest, negotiateToken } from '../helpers/server';

export const KLIST_VALID = `Ticket cache: FILE:/r/ccache
Default principal: alice@AK.TEST

Valid starting     Expires            Service principal
11/29/26 04:28:41  11/29/26 14:28:41  krbtgt/AK.TEST@AK.TEST
`;

/** A klist that prints `listing` and whose `klist -s` says `valid`. */
export function fakeKlist(listing: string, valid: boolean): Run {
  return (_file, args) =>
    Promise.resolve({ status: args.includes('-s') && !valid ? 1 : 0, stdout: listing, stderr: '' });
}

/** A DNS error as `dns.promises.resolveCname` throws it (`ENODATA`: the name has no CNAME record). */
export function dnsError(code: string, name: string): Error {
  return Object.assign(new Error(`queryCname ${code} ${name}`), { code, hostname: name });
}

/** A CNAME resolver from a table (a name maps to its CNAME target, or to the error its lookup throws); records every lookup. */
export function fakeCnames(records: Record<string, string | Error> = {}): CnameResolver & { lookups: string[] } {
  const lookups: string[] = [];
  const resolve = (name: string): Promise<string[]> => {
    lookups.push(name);
    const record = records[name];
    if (record === undefined) return Promise.reject(dnsError('ENODATA', name));
    if (record instanceof Error) return Promise.reject(record);
    return Promise.resolve([record]);
  };
  return Object.assign(resolve, { lookups });
}

/** Doctor dependencies with a fake krb5.conf, klist, GSS and DNS: no realm needed. */
export function fakeDeps(
  gss = new FakeGss(),
  run: Run = fakeKlist(KLIST_VALID, true),
  resolveCname: CnameResolver = fakeCnames(),
): DoctorDeps {
  return {
    env: { KRB5_CONFIG: '/r/krb5.conf' },
    platform: 'linux',
    uid: 1000,
    now: () => new Date(2026, 10, 29, 5, 0, 0),
    configFs: {
      read: (path) => (path === '/r/krb5.conf' ? '[libdefaults]\ndefault_realm = AK.TEST\n' : undefined),
      list: () => [],
    },
    run,
    gss,
    resolveCname,
    // Every name resolves, unless a test says otherwise.
    lookupHost: () => Promise.resolve({ address: '127.0.0.1', family: 4 }),
  };
}

/**
 * A Negotiate server for FakeGss tokens: 401 `Negotiate` without a token, and `status` (200)
 * with the final (mutual-authentication) token for a valid one.
 */
export function negotiateHandler(body = 'secret data\n', status = 200) {
  return (request: RecordedRequest, response: ServerResponse): void => {
    const token = negotiateToken(request);
    const decoded = token === undefined ? undefined : decodeToken(token);
    if (decoded === undefined) {
      response.writeHead(401, { 'WWW-Authenticate': ['Negotiate', 'Basic realm="AK.TEST"'] }).end();
      return;
    }
    response
      .writeHead(status, { 'WWW-Authenticate': `Negotiate ${encodeToken({ ...decoded, kind: 'final' })}` })
      .end(body);
  };
}
