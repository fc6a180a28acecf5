import { TokenPool } from '../../lib/core/token-pool';
import type { RequestPlan } from '../../lib/core/plan';
import { FakeGss } from '../helpers/fake-gss';

const plan = (spn = 'HTTP@h.example', delegate = false): RequestPlan => ({
  url: new URL(`http://${spn.split('@')[1]}/`),
  host: spn.split('@')[1]!,
  spn,
  mutual: 'required',
  delegate,
  principal: undefined,
  mechanism: 'spnego',
  allowed: true,
  preemptive: true,
  adaptive: false,
  allowNtlm: false,
});

describe('TokenPool', () => {
  it('has nothing until refilled, then one spare for the same SPN and flags, once', async () => {
    const gss = new FakeGss();
    const pool = new TokenPool(gss);
    expect(await pool.take(plan())).toBeUndefined();
    pool.refill(plan());
    expect(await pool.take(plan('HTTP@other.example'))).toBeUndefined();
    expect(await pool.take(plan('HTTP@h.example', true))).toBeUndefined();
    const spare = await pool.take(plan());
    expect(spare?.token).toBeDefined();
    expect(await pool.take(plan())).toBeUndefined();
  });

  it('drops a spare older than its time to live', async () => {
    const pool = new TokenPool(new FakeGss(), 30);
    pool.refill(plan());
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(await pool.take(plan())).toBeUndefined();
  });

  it("gives a failed spare's error to the request that takes it, instead of a second wait", async () => {
    const gss = new FakeGss();
    gss.failWith = new Error('No Kerberos credentials available');
    const pool = new TokenPool(gss);
    pool.refill(plan());
    await expect(pool.take(plan())).rejects.toMatchObject({ code: 'ERR_KERBEROS_NO_CREDENTIALS' });
    expect(await pool.take(plan())).toBeUndefined();
  });
});
