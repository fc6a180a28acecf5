import { AxiosError } from 'axios';
import { describeFailure, formatFailure, splitFix } from '../../lib/cli/failure';
import { classifyGssError } from '../../lib/errors/classify';

describe('splitFix', () => {
  it('cuts a library message at its "Fix:"', () => {
    expect(splitFix('It failed: because. Fix: run `kinit`.')).toEqual({
      problem: 'It failed: because',
      fix: 'run `kinit`',
    });
  });

  it('leaves a message without a fix whole', () => {
    expect(splitFix('Nothing to fix.')).toEqual({ problem: 'Nothing to fix.', fix: undefined });
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
