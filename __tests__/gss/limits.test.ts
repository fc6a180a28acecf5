import { limitGss } from '../../lib/gss/limits';
import type { GssProvider } from '../../lib/gss/provider';

const options = { principal: undefined, delegate: false, mutual: true, mechanism: 'spnego' as const };

/** A provider whose first steps (the ones that may talk to the KDC) finish only when the test says so. */
function controllable() {
  const pending: (() => void)[] = [];
  let active = 0;
  let peak = 0;
  const provider: GssProvider = {
    createContext: () =>
      Promise.resolve({
        complete: false,
        step: (serverToken: string) =>
          serverToken !== ''
            ? Promise.resolve(null)
            : new Promise<string>((resolve) => {
                active++;
                peak = Math.max(peak, active);
                pending.push(() => {
                  active--;
                  resolve('dG9r');
                });
              }),
      }),
  };
  return { provider, pending, peak: () => peak };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('limitGss', () => {
  it('never runs more KDC-bound first steps at once than maxConcurrent', async () => {
    const c = controllable();
    const limited = limitGss(c.provider, { timeout: 10_000, maxConcurrent: 3 });
    const all = Promise.all(
      Array.from({ length: 8 }, async () => (await limited.createContext('HTTP@h', options)).step('')),
    );
    for (let released = 0; released < 8; released++) {
      await tick();
      c.pending.shift()?.();
    }
    await all;
    expect(c.peak()).toBe(3);
  });

  it('does not queue local steps (server tokens) behind the KDC-bound ones', async () => {
    const c = controllable();
    const limited = limitGss(c.provider, { timeout: 10_000, maxConcurrent: 1 });
    const stuck = await limited.createContext('HTTP@h', options);
    void stuck.step('').catch(() => undefined); // holds the only slot
    const other = await limited.createContext('HTTP@h', options);
    await expect(other.step('c2VydmVy')).resolves.toBeNull();
    c.pending.shift()?.();
  });

  it('fails with ERR_KERBEROS_TIMEOUT naming the SPN, and keeps the slot until the native call returns', async () => {
    const c = controllable();
    // Slots are per process and per limit value: this test uses a limit of its own.
    const limited = limitGss(c.provider, { timeout: 20, maxConcurrent: 5 });
    for (let i = 0; i < 4; i++)
      void (await limited.createContext('HTTP@busy', options)).step('').catch(() => undefined);
    const first = await limited.createContext('HTTP@dead.example', options);
    await expect(first.step('')).rejects.toMatchObject({ code: 'ERR_KERBEROS_TIMEOUT', spn: 'HTTP@dead.example' });
    // The stuck call still holds the only slot: the next caller times out waiting for it.
    const second = await limited.createContext('HTTP@dead.example', options);
    await expect(second.step('')).rejects.toMatchObject({ code: 'ERR_KERBEROS_TIMEOUT' });
    c.pending.splice(0, 4).forEach((release) => release()); // the four busy calls return
    c.pending.shift()?.(); // the first stuck call returns: its slot goes to the second, still queued
    await tick();
    c.pending.shift()?.();
    const third = (await limited.createContext('HTTP@h', options)).step('');
    await tick();
    c.pending.shift()?.();
    await expect(third).resolves.toBe('dG9r');
  });
});

describe('limitGss with callers that gave up', () => {
  it('drops a queued call whose caller timed out instead of running it later', async () => {
    const c = controllable();
    const limited = limitGss(c.provider, { timeout: 20, maxConcurrent: 7 });
    const held = await Promise.all(Array.from({ length: 7 }, () => limited.createContext('HTTP@busy', options)));
    held.forEach((context) => void context.step('').catch(() => undefined)); // all 7 slots busy
    const queued = await limited.createContext('HTTP@h', options);
    await expect(queued.step('')).rejects.toMatchObject({ code: 'ERR_KERBEROS_TIMEOUT' });
    const started = c.pending.length;
    c.pending.splice(0).forEach((release) => release()); // the busy calls return, freeing slots
    await tick();
    expect(started).toBe(7);
    expect(c.pending).toHaveLength(0); // the abandoned call never reached the native layer
  });
});
