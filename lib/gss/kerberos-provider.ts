import type * as Kerberos from 'kerberos';
import { KerberosAuthError } from '../errors/kerberos-auth-error';
import { messageOf } from '../errors/message';
import { warnIfNotDelegable } from './delegation';
import type { GssContext, GssContextOptions, GssProvider } from './provider';

type KerberosModule = typeof Kerberos;
type NativeClient = Pick<Kerberos.KerberosClient, 'step' | 'contextComplete'>;

let cached: KerberosModule | undefined;

/**
 * Loads the native binding on first use, so that importing this library (or running the
 * unit tests) does not need it, and a missing build becomes a typed error that says how to
 * install it rather than a crash at import time.
 */
function loadKerberos(): KerberosModule {
  if (cached !== undefined) return cached;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy native load, see above
    cached = require('kerberos') as KerberosModule;
    return cached;
  } catch (error) {
    // The loader's first line tells the two usual cases apart: a missing shared library (a
    // slim image that has the built module but not the GSS-API runtime), or no build at all.
    const cause = messageOf(error).split('\n')[0]!.slice(0, 300);
    throw new KerberosAuthError(
      'ERR_KERBEROS_NATIVE_UNAVAILABLE',
      `The native \`kerberos\` module could not be loaded: ${cause}.`,
      {
        cause: error,
        fix:
          'when a shared library such as libgssapi_krb5.so.2 is missing (slim container images), install the ' +
          'Kerberos runtime library (Debian/Ubuntu: libgssapi-krb5-2, RHEL/Fedora and Alpine: krb5-libs); when ' +
          'the module was never built, install the Kerberos development files (Debian/Ubuntu: libkrb5-dev, ' +
          'RHEL/Fedora: krb5-devel, Alpine: krb5-dev) and a C++ toolchain, approve its install script if npm ' +
          'asks, then reinstall (`npm rebuild kerberos`)',
      },
    );
  }
}

/**
 * The `GssProvider` backed by the `kerberos` package (MIT/Heimdal GSS-API, or SSPI on Windows).
 * Facts about kerberos 7.0.0 this works around:
 * - its `index.d.ts` names the flags option `gssFlag`, but the native code reads `flags`
 *   (src/unix/kerberos_unix.cc), so the typed name would be ignored silently;
 * - leaving out `mechOID` gives raw krb5, not SPNEGO;
 * - `step()` resolves `null` when GSS produced no output token;
 * - there is no close method: contexts are freed by the garbage collector;
 * - on Windows (SSPI) `contextComplete` turns true after any successful step, even when
 *   the server's mutual-authentication token is still to come.
 */
export function kerberosProvider(
  platform: NodeJS.Platform = process.platform,
  load: () => Pick<
    KerberosModule,
    | 'initializeClient'
    | 'GSS_C_MUTUAL_FLAG'
    | 'GSS_C_SEQUENCE_FLAG'
    | 'GSS_C_DELEG_FLAG'
    | 'GSS_MECH_OID_SPNEGO'
    | 'GSS_MECH_OID_KRB5'
  > = loadKerberos,
): GssProvider {
  return {
    async createContext(spn: string, options: GssContextOptions): Promise<GssContext> {
      const k = load();
      let flags = k.GSS_C_SEQUENCE_FLAG;
      if (options.mutual) flags |= k.GSS_C_MUTUAL_FLAG;
      if (options.delegate) flags |= k.GSS_C_DELEG_FLAG;
      const init: Record<string, unknown> = {
        flags,
        mechOID: options.mechanism === 'spnego' ? k.GSS_MECH_OID_SPNEGO : k.GSS_MECH_OID_KRB5,
      };
      if (options.principal !== undefined) init.principal = options.principal;
      if (options.delegate) warnIfNotDelegable(spn, options.principal);
      const client = await k.initializeClient(spn, init);
      return new NativeContext(client, platform === 'win32' && options.mutual);
    },
  };
}

/** Wraps a native client; see the SSPI note above for `untrustedComplete`. */
export class NativeContext implements GssContext {
  #serverTokenStepped = false;

  constructor(
    private readonly client: NativeClient,
    private readonly untrustedComplete: boolean,
  ) {}

  get complete(): boolean {
    // On SSPI a context only counts as mutually authenticated once a server token went
    // through step() without error; `contextComplete` alone is true too early there.
    if (this.untrustedComplete) return this.#serverTokenStepped && this.client.contextComplete;
    return this.client.contextComplete;
  }

  async step(serverToken: string): Promise<string | null> {
    const token = await this.client.step(serverToken);
    if (serverToken !== '') this.#serverTokenStepped = true;
    return typeof token === 'string' && token !== '' ? token : null;
  }
}
