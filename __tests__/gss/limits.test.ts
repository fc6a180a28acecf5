import { limitGss } from '../../lib/gss/limits';
import type { GssContext, GssProvider } from '../../lib/gss/provider';

const options = { principal: undefined, delegate: false, mutual: true, mechanism: 'spnego' as const };

/** A provider whose calls finish only when the test says so. */
function controllable() {
  const pending: (() => void)[] = [];
  let active = 0;
  let peak = 0;
  const provider: GssProvider = {
    createContext: () =>
      new Promise<GssContext>((resolve) => {
        active++;
        peak = Math.max(peak, active);
        pending.push(() => {
          active--;
          resolve({ complete: false, step: async () => 'dG9r' });
        });
      }),
  };
  return { provider, pending, peak: () => peak };
}

describe('limitGss', () => {
  it('never runs more GSS calls at once than maxConcurrent', async () => {
    const c = controllable();
    const limited = limitGss(c.provider, { timeout: 10_000, maxConcurrent: 2 });
    const all = Promise.all(Array.from({ length: 6 }, () => limited.createContext('HTTP@h', options)));
    for (let released = 0; released < 6; released++) {
      await new Promise((resolve) => setImmediate(resolve));
      c.pending.shift()?.();
    }
    await all;
    expect(c.peak()).toBe(2);
  });

  it('fails with ERR_KERBEROS_TIMEOUT naming the SPN, and keeps the slot until the native call returns', async () => {
    const c = controllable();
    const limited = limitGss(c.provider, { timeout: 20, maxConcurrent: 1 });
    await expect(limited.createContext('HTTP@dead.example', options)).rejects.toMatchObject({
      code: 'ERR_KERBEROS_TIMEOUT',
      spn: 'HTTP@dead.example',
    });
    // The stuck call still holds the only slot: the next caller times out waiting for it.
    await expect(limited.createContext('HTTP@dead.example', options)).rejects.toMatchObject({
      code: 'ERR_KERBEROS_TIMEOUT',
    });
    c.pending.shift()?.();
    await new Promise((resolve) => setImmediate(resolve));
    c.pending.shift()?.();
    const third = limited.createContext('HTTP@h', options);
    await new Promise((resolve) => setImmediate(resolve));
    c.pending.shift()?.();
    await expect(third).resolves.toBeDefined();
  });
});
