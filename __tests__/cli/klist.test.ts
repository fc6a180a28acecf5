import { findTgt, parseKlist, runKlist, type Run } from '../../lib/cli/klist';

const MIT = `Ticket cache: FILE:/tmp/krb5cc_1000
Default principal: alice@AK.TEST

Valid starting     Expires            Service principal
11/29/26 04:28:41  11/29/26 14:28:41  krbtgt/AK.TEST@AK.TEST
\trenew until 11/30/26 04:28:41
11/29/26 04:30:00  11/29/26 14:28:41  HTTP/localhost@AK.TEST
`;

const MIT_CROSS_REALM = `Ticket cache: KCM:1000
Default principal: alice@AK.TEST

Valid starting       Expires              Service principal
2026-11-29 04:28:41  2026-11-29 06:00:00  krbtgt/OTHER.TEST@AK.TEST
2026-11-29 04:28:41  2026-11-29 14:28:41  krbtgt/AK.TEST@AK.TEST
`;

const HEIMDAL = `Credentials cache: API:4A2C-11EE
        Principal: alice@EXAMPLE.COM

  Issued                Expires               Principal
Nov 29 04:28:41 2026  Nov 29 14:28:41 2026  krbtgt/EXAMPLE.COM@EXAMPLE.COM
Nov 29 04:30:02 2026  Nov 29 14:28:41 2026  HTTP/www.example.com@EXAMPLE.COM
`;

const HEIMDAL_EXPIRED = `Credentials cache: FILE:/tmp/krb5cc_501
        Principal: alice@EXAMPLE.COM

  Issued                Expires               Principal
Nov 29 04:28:41 2026  >>>Expired<<<         krbtgt/EXAMPLE.COM@EXAMPLE.COM
`;

describe('parseKlist', () => {
  it('reads MIT output: cache, default principal, tickets with local expiry times', () => {
    const listing = parseKlist(MIT);
    expect(listing.cache).toBe('FILE:/tmp/krb5cc_1000');
    expect(listing.principal).toBe('alice@AK.TEST');
    expect(listing.tickets.map((ticket) => ticket.server)).toEqual([
      'krbtgt/AK.TEST@AK.TEST',
      'HTTP/localhost@AK.TEST',
    ]);
    const tgt = findTgt(listing);
    expect(tgt?.expiresText).toBe('11/29/26 14:28:41');
    expect(tgt?.expires).toEqual(new Date(2026, 10, 29, 14, 28, 41));
    expect(tgt?.markedExpired).toBe(false);
  });

  it('ignores the "renew until" line', () => {
    expect(parseKlist(MIT).tickets).toHaveLength(2);
  });

  it('reads ISO dates and picks the TGT of the client realm among cross-realm ones', () => {
    const tgt = findTgt(parseKlist(MIT_CROSS_REALM));
    expect(tgt?.server).toBe('krbtgt/AK.TEST@AK.TEST');
    expect(tgt?.expires).toEqual(new Date(2026, 10, 29, 14, 28, 41));
  });

  it('reads Heimdal output (macOS): "Credentials cache", "Principal", month names', () => {
    const listing = parseKlist(HEIMDAL);
    expect(listing.cache).toBe('API:4A2C-11EE');
    expect(listing.principal).toBe('alice@EXAMPLE.COM');
    expect(findTgt(listing)?.expires).toEqual(new Date(2026, 10, 29, 14, 28, 41));
  });

  it("recognises Heimdal's >>>Expired<<< marker", () => {
    const tgt = findTgt(parseKlist(HEIMDAL_EXPIRED));
    expect(tgt?.markedExpired).toBe(true);
    expect(tgt?.expires).toBeUndefined();
  });

  it('gives an empty listing for "no credentials cache found" and for garbage', () => {
    expect(parseKlist('')).toEqual({ cache: undefined, principal: undefined, tickets: [] });
    expect(parseKlist('klist: No credentials cache found (filename: /tmp/x)\n').tickets).toEqual([]);
    expect(parseKlist('11/29/26 04:28:41 not a ticket line').tickets).toEqual([]);
  });
});

describe('runKlist', () => {
  it('reports klist as unavailable when it is not installed', async () => {
    const run: Run = () => Promise.resolve(undefined);
    await expect(runKlist({}, run)).resolves.toEqual({ available: false });
  });

  it('runs `klist` and `klist -s` in the C locale with the given environment', async () => {
    const calls: { args: string[]; env: NodeJS.ProcessEnv }[] = [];
    const run: Run = (_file, args, env) => {
      calls.push({ args, env });
      return Promise.resolve(
        args.includes('-s')
          ? { status: 1, stdout: '', stderr: '' }
          : { status: 1, stdout: '', stderr: 'klist: No credentials cache found (filename: /nonexistent)\n' },
      );
    };
    const result = await runKlist({ KRB5CCNAME: 'FILE:/nonexistent', LANG: 'de_DE.UTF-8' }, run);
    expect(calls.map((call) => call.args)).toEqual([[], ['-s']]);
    expect(calls[0]?.env).toMatchObject({ KRB5CCNAME: 'FILE:/nonexistent', LC_ALL: 'C', LANG: 'C' });
    expect(result).toMatchObject({
      available: true,
      valid: false,
      message: 'No credentials cache found (filename: /nonexistent)',
    });
  });

  it('says valid when `klist -s` exits 0', async () => {
    const run: Run = (_file, args) => Promise.resolve({ status: 0, stdout: args.length === 0 ? MIT : '', stderr: '' });
    await expect(runKlist({}, run)).resolves.toMatchObject({ available: true, valid: true });
  });
});
