import { KerberosAuthError } from '../../lib/errors/kerberos-auth-error';
import type { GssContextOptions } from '../../lib/gss/provider';
import { learnSpnegoCause } from '../../lib/gss/spnego-cause';
import { FakeGss } from '../helpers/fake-gss';

// Heimdal's words, verbatim from the addon built against Debian's Heimdal 7.8.
const OPAQUE = new Error(' An unsupported mechanism was requested: unknown mech-code 0 for mech unknown');
const NO_CACHE = new Error(' Miscellaneous failure (see text): get-principal lstat(/tmp/none.cc)');
const spnego: GssContextOptions = { principal: undefined, delegate: true, mutual: true, mechanism: 'spnego' };

describe('learnSpnegoCause', () => {
  it('asks raw Kerberos once, with the same options, and returns its failure with the SPNEGO error as cause', async () => {
    const gss = new FakeGss();
    gss.failFirstStep = { spnego: OPAQUE, kerberos: NO_CACHE };
    const learnt = await learnSpnegoCause(gss, 'HTTP@h', spnego, OPAQUE);
    expect(learnt).toBeInstanceOf(Error);
    expect((learnt as Error).message).toContain('get-principal lstat(/tmp/none.cc)');
    expect((learnt as Error).message).toContain('SPNEGO said only');
    expect((learnt as Error).cause).toBe(OPAQUE);
    expect(gss.contexts.map((context) => context.options)).toEqual([{ ...spnego, mechanism: 'kerberos' }]);
  });

  it('keeps the SPNEGO error when raw Kerberos works: the cause is then SPNEGO’s own', async () => {
    const gss = new FakeGss();
    expect(await learnSpnegoCause(gss, 'HTTP@h', spnego, OPAQUE)).toBe(OPAQUE);
    expect(gss.contexts).toHaveLength(1);
  });

  it('keeps the SPNEGO error when raw Kerberos times out', async () => {
    const gss = new FakeGss();
    gss.failWith = new KerberosAuthError('ERR_KERBEROS_TIMEOUT', 'timed out');
    expect(await learnSpnegoCause(gss, 'HTTP@h', spnego, OPAQUE)).toBe(OPAQUE);
  });

  it('asks nothing for an error that already names its cause, or for raw Kerberos', async () => {
    const gss = new FakeGss();
    const named = new Error('Unspecified GSS failure.  Minor code may provide more information: Ticket expired');
    expect(await learnSpnegoCause(gss, 'HTTP@h', spnego, named)).toBe(named);
    expect(await learnSpnegoCause(gss, 'HTTP@h', { ...spnego, mechanism: 'kerberos' }, OPAQUE)).toBe(OPAQUE);
    expect(gss.contexts).toHaveLength(0);
  });
});
