import { limitGss, MAX_WARM, threadPoolSize, WARM_FOR_MS, WARM_MS } from '../../lib/gss/limits';
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

describe('limitGss with warm SPNs (service ticket cached)', () => {
  /** Starts a first step for each SPN; returns how many reached the native layer at once. */
  async function inFlight(c: ReturnType<typeof controllable>, limited: GssProvider, spns: string[], delegate = false) {
    const steps = Promise.all(
      spns.map(async (spn) => (await limited.createContext(spn, { ...options, delegate })).step('')),
    );
    for (let turn = 0; turn < 3; turn++) await tick();
    const running = c.pending.length;
    while (c.pending.length > 0 || running > 0) {
      c.pending.splice(0).forEach((release) => release());
      await tick();
      if (c.pending.length === 0) break;
    }
    await steps;
    return running;
  }

  it('lets first steps for an SPN that just got its ticket use the whole thread pool', async () => {
    const c = controllable();
    const limited = limitGss(c.provider, { timeout: 10_000, maxConcurrent: 2, threadPool: 6 });
    expect(await inFlight(c, limited, Array<string>(8).fill('HTTP@warm'))).toBe(2); // cold: no first step yet
    expect(await inFlight(c, limited, Array<string>(8).fill('HTTP@warm'))).toBe(6); // warm: the pool's 6 threads
    expect(
      await inFlight(
        c,
        limited,
        ['a', 'b', 'c', 'd'].map((h) => `HTTP@${h}`),
      ),
    ).toBe(2); // other SPNs: cold
  });

  it('keeps cold first steps to maxConcurrent while warm ones take the rest of the pool', async () => {
    const c = controllable();
    const limited = limitGss(c.provider, { timeout: 10_000, maxConcurrent: 2, threadPool: 5 });
    await inFlight(c, limited, ['HTTP@warm']);
    const spns = [...Array<string>(4).fill('HTTP@dead.example'), ...Array<string>(6).fill('HTTP@warm')];
    const steps = Promise.all(spns.map(async (spn) => (await limited.createContext(spn, options)).step('')));
    for (let turn = 0; turn < 3; turn++) await tick();
    expect(c.pending).toHaveLength(5); // 2 cold + 3 warm: never more than the pool
    for (let turn = 0; turn < 10 && c.pending.length > 0; turn++) {
      c.pending.splice(0).forEach((release) => release());
      await tick();
    }
    await steps;
  });

  it('never treats a delegating first step as warm (it asks the KDC for a forwarded TGT each time)', async () => {
    const c = controllable();
    const limited = limitGss(c.provider, { timeout: 10_000, maxConcurrent: 2, threadPool: 7 });
    await inFlight(c, limited, ['HTTP@deleg'], true);
    expect(await inFlight(c, limited, Array<string>(6).fill('HTTP@deleg'), true)).toBe(2);
  });

  it('makes an SPN cold again when a first step times out', async () => {
    const c = controllable();
    const limited = limitGss(c.provider, { timeout: 20, maxConcurrent: 2, threadPool: 8 });
    await inFlight(c, limited, ['HTTP@flaky']);
    const stuck = (await limited.createContext('HTTP@flaky', options)).step('');
    await expect(stuck).rejects.toMatchObject({ code: 'ERR_KERBEROS_TIMEOUT' });
    c.pending.splice(0).forEach((release) => release());
    expect(await inFlight(c, limited, Array<string>(6).fill('HTTP@flaky'))).toBe(2);
  });
});

describe('limitGss warm rule over time (a test clock)', () => {
  /** A clock the test moves, and a provider whose first steps take `stepMs` of that clock. */
  function clocked(stepMs = 0) {
    let now = 1_000;
    const c = controllable();
    const provider: GssProvider = {
      createContext: async (spn, opts) => {
        const context = await c.provider.createContext(spn, opts);
        return {
          complete: false,
          step: (token: string) => {
            const result = context.step(token);
            now += stepMs;
            return result;
          },
        };
      },
    };
    const limited = limitGss(provider, { timeout: 10_000, maxConcurrent: 2, threadPool: 6, now: () => now });
    /** First steps for `spns` at once; how many reached the native layer together. */
    const burst = async (spns: string[]) => {
      const steps = Promise.all(spns.map(async (spn) => (await limited.createContext(spn, options)).step('')));
      for (let turn = 0; turn < 3; turn++) await tick();
      const running = c.pending.length;
      for (let turn = 0; turn < 20 && c.pending.length > 0; turn++) {
        c.pending.splice(0).forEach((release) => release());
        await tick();
      }
      await steps;
      return running;
    };
    return { burst, advance: (ms: number) => (now += ms), limited, c };
  }
  const eight = (spn: string) => Array<string>(8).fill(spn);

  it(`lets an SPN's warmth lapse ${WARM_FOR_MS / 1000} s after its quick cold first step`, async () => {
    const t = clocked();
    await t.burst(['HTTP@w']);
    t.advance(WARM_FOR_MS - 1);
    expect(await t.burst(eight('HTTP@w'))).toBe(6);
    t.advance(2);
    expect(await t.burst(eight('HTTP@w'))).toBe(2); // cold again: measured anew
  });

  it(`does not warm an SPN whose cold first step took ${WARM_MS} ms or more (it may have asked the KDC)`, async () => {
    const t = clocked(WARM_MS);
    await t.burst(['HTTP@slow']);
    expect(await t.burst(eight('HTTP@slow'))).toBe(2);
  });

  it(`keeps at most ${MAX_WARM} warm SPNs, forgetting the oldest`, async () => {
    const t = clocked();
    const spns = Array.from({ length: MAX_WARM + 1 }, (_, i) => `HTTP@h${i}`);
    for (const spn of spns) await t.burst([spn]);
    expect(await t.burst(eight('HTTP@h1'))).toBe(6);
    expect(await t.burst(eight('HTTP@h0'))).toBe(2);
  });

  it('makes every SPN cold when any first step times out (a dead KDC serves the whole realm)', async () => {
    let now = 0;
    const c = controllable();
    const limited = limitGss(c.provider, { timeout: 20, maxConcurrent: 2, threadPool: 6, now: () => now });
    const warmUp = async (spn: string) => {
      const step = (await limited.createContext(spn, options)).step('');
      await tick();
      c.pending.shift()?.();
      await step;
    };
    await warmUp('HTTP@a');
    await warmUp('HTTP@b');
    await expect((await limited.createContext('HTTP@a', options)).step('')).rejects.toMatchObject({
      code: 'ERR_KERBEROS_TIMEOUT',
    });
    now += 1; // same window: only the timeout can have cooled HTTP@b
    const steps = Promise.all(
      Array.from({ length: 4 }, async () => (await limited.createContext('HTTP@b', options)).step('')),
    );
    for (let turn = 0; turn < 3; turn++) await tick();
    expect(c.pending).toHaveLength(3); // the stuck HTTP@a call and two cold first steps for HTTP@b
    for (let turn = 0; turn < 10 && c.pending.length > 0; turn++) {
      c.pending.splice(0).forEach((release) => release());
      await tick();
    }
    await steps;
  });
});

describe('threadPoolSize', () => {
  it('reads UV_THREADPOOL_SIZE as libuv does, and is 4 without it', () => {
    expect(threadPoolSize({})).toBe(4);
    expect(threadPoolSize({ UV_THREADPOOL_SIZE: '8' })).toBe(8);
    expect(threadPoolSize({ UV_THREADPOOL_SIZE: '0' })).toBe(4);
    expect(threadPoolSize({ UV_THREADPOOL_SIZE: 'many' })).toBe(4);
    expect(threadPoolSize({ UV_THREADPOOL_SIZE: '5000' })).toBe(1024);
  });
});
