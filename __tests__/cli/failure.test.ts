import { AxiosError } from 'axios';
import { describeFailure, formatFailure, inCliTerms } from '../../lib/cli/failure';
import { classifyGssError } from '../../lib/errors/classify';
import { KerberosAuthError } from '../../lib/errors/kerberos-auth-error';

describe('inCliTerms', () => {
  it("writes the library's option syntax as the command line's flags", () => {
    expect(inCliTerms("set `mutual: 'optional'` for it, or raise `timeout`")).toBe(
      'set `--mutual optional` for it, or raise `--timeout`',
    );
    expect(inCliTerms("use `mechanism: 'spnego'` (the default)")).toBe('use `--mechanism spnego` (the default)');
    expect(inCliTerms('or set the `spn` option to the registered name')).toBe(
      'or pass `--spn` with the registered name',
    );
  });
});

describe('describeFailure', () => {
  it('takes the code and the fix from a KerberosAuthError', () => {
    const error = classifyGssError(new Error('No Kerberos credentials available'), 'HTTP@host', 'host');
    const failure = describeFailure(error);
    expect(failure.code).toBe('ERR_KERBEROS_NO_CREDENTIALS');
    expect(failure.problem).toContain('HTTP@host');
    expect(failure.problem).not.toContain('Fix:');
    expect(failure.fix).toMatch(/kinit/);
    expect(formatFailure(failure)).toMatch(/^ERR_KERBEROS_NO_CREDENTIALS: .*\. Fix: .*kinit.*\.$/);
  });

  it("reads the fix from the error's field, not from its message", () => {
    const error = new KerberosAuthError('ERR_KERBEROS_TIMEOUT', 'Kerberos timed out. Fix: not this.', {
      fix: "raise `timeout` or set `mutual: 'optional'`",
    });
    expect(describeFailure(error)).toMatchObject({
      problem: 'Kerberos timed out. Fix: not this',
      fix: 'raise `--timeout` or set `--mutual optional`',
    });
  });

  it('gives network errors their system code and a generic fix', () => {
    const failure = describeFailure(new AxiosError('connect ECONNREFUSED 127.0.0.1:9', 'ECONNREFUSED'));
    expect(failure).toMatchObject({ code: undefined, systemCode: 'ECONNREFUSED' });
    expect(formatFailure(failure)).toMatch(/^ECONNREFUSED: connect ECONNREFUSED 127\.0\.0\.1:9\. Fix: check the URL/);
  });

  it('passes anything else through as its message', () => {
    expect(formatFailure(describeFailure(new Error('boom')))).toBe('boom');
    expect(formatFailure(describeFailure('text'))).toBe('text');
  });
});
