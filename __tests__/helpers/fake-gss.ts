import type { GssContext, GssContextOptions, GssProvider } from '../../lib/gss/provider';
import type { Mechanism } from '../../lib/options';

/** What a fake token says; servers in unit tests decode it with `decodeToken`. */
export interface FakeToken {
  kind: 'init' | 'continue' | 'more' | 'final';
  id: number;
  spn: string;
  delegate?: boolean;
  /** Filler that makes the token as large as a ticket with a big PAC. */
  pad?: string;
}

export function encodeToken(token: FakeToken): string {
  return Buffer.from(JSON.stringify(token)).toString('base64');
}

export function decodeToken(value: string): FakeToken | undefined {
  try {
    return JSON.parse(Buffer.from(value, 'base64').toString('utf8')) as FakeToken;
  } catch {
    return undefined;
  }
}

/**
 * A GSS provider with the real one's contract and none of its machinery: tokens are base64
 * JSON, each context has an id, and the context completes when the server's `final` token
 * for its own id is stepped. Records every context made, for assertions.
 */
export class FakeGss implements GssProvider {
  readonly contexts: FakeContext[] = [];
  /** When set, createContext fails with this error (as the native binding would). */
  failWith: Error | undefined;
  /**
   * When set for a mechanism, the first step of its contexts fails with this error: where
   * Heimdal fails (getting the service ticket), after the context was made.
   */
  failFirstStep: Partial<Record<Mechanism, Error>> = {};
  /** Milliseconds each call takes. */
  delayMs = 0;
  /** First tokens are NTLMSSP messages, as a SPNEGO fallback to NTLM would produce. */
  ntlm = false;
  /** Characters of filler in each first token (a large Active Directory PAC). */
  padding = 0;
  /** Calls under way (createContext and step), so a test can wait for them to end. */
  readonly #pending = new Set<Promise<unknown>>();
  #gate: Promise<void> | undefined;

  createContext(spn: string, options: GssContextOptions): Promise<GssContext> {
    return this.track(async () => {
      await delay(this.delayMs);
      if (this.failWith !== undefined) throw this.failWith;
      const context = new FakeContext(this.contexts.length + 1, spn, options, this);
      this.contexts.push(context);
      return context;
    });
  }

  /**
   * Makes every GSS call from now on wait until the returned function is called: a KDC that
   * has not answered yet, for as long as the test needs, with no timing involved.
   */
  hold(): () => void {
    let release!: () => void;
    this.#gate = new Promise<void>((resolve) => (release = resolve));
    return () => {
      this.#gate = undefined;
      release();
    };
  }

  /** Number of GSS calls started and not yet ended. */
  get pending(): number {
    return this.#pending.size;
  }

  /**
   * Resolves once no GSS call is under way and what the plugin does next with their results
   * (an interceptor chain, a re-send handed to the adapter) has run: "nothing more is sent"
   * can then be checked without waiting for a guessed number of milliseconds.
   */
  async idle(): Promise<void> {
    do {
      await Promise.allSettled([...this.#pending]);
      // Interceptor chains continue in microtasks and timers of 0 ms; two turns of the
      // event loop let them reach the adapter (or a new GSS call).
      for (let turn = 0; turn < 2; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
    } while (this.#pending.size > 0);
  }

  /** @internal runs `call` as one tracked GSS call, behind the gate of `hold()`. */
  async track<T>(call: () => Promise<T>): Promise<T> {
    const run = (async () => {
      if (this.#gate !== undefined) await this.#gate;
      return call();
    })();
    this.#pending.add(run);
    try {
      return await run;
    } finally {
      this.#pending.delete(run);
    }
  }
}

export class FakeContext implements GssContext {
  complete = false;
  readonly stepped: string[] = [];

  constructor(
    readonly id: number,
    readonly spn: string,
    readonly options: GssContextOptions,
    private readonly owner: FakeGss,
  ) {}

  step(serverToken: string): Promise<string | null> {
    return this.owner.track(() => this.stepNow(serverToken));
  }

  private async stepNow(serverToken: string): Promise<string | null> {
    await delay(this.owner.delayMs);
    this.stepped.push(serverToken);
    if (serverToken === '') {
      const failure = this.owner.failFirstStep[this.options.mechanism];
      if (failure !== undefined) throw failure;
      if (this.owner.ntlm) return Buffer.from('NTLMSSP\0\x01\x00\x00\x00', 'latin1').toString('base64');
      if (!this.options.mutual) this.complete = true;
      const pad = this.owner.padding > 0 ? 'x'.repeat(this.owner.padding) : undefined;
      return encodeToken({ kind: 'init', id: this.id, spn: this.spn, delegate: this.options.delegate, pad });
    }
    const token = decodeToken(serverToken);
    if (token?.id !== this.id) throw new Error('GSS failure: A token was invalid (defective token)');
    if (token.kind === 'more') return encodeToken({ kind: 'continue', id: this.id, spn: this.spn });
    if (token.kind === 'final' && !this.complete) {
      this.complete = true;
      return null;
    }
    throw new Error('GSS failure: unexpected token');
  }
}

function delay(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms).unref()) : Promise.resolve();
}
