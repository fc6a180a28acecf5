import { isKerberosAuthError } from '../errors/kerberos-auth-error';
import { messageOf } from '../errors/message';
import type { GssContextOptions, GssProvider } from './provider';

// Heimdal's SPNEGO (and so macOS GSS.framework) reports every failure of the Kerberos
// mechanism underneath (no cache, expired ticket, unknown SPN, KDC down, wrong realm) as this
// one sentence: the minor status of the krb5 mechanism is lost on the way out of SPNEGO.
const OPAQUE_SPNEGO = /unsupported mechanism was requested: unknown mech-code 0 for mech unknown/i;

/**
 * When SPNEGO failed with Heimdal's opaque "unknown mech-code 0" error, repeats the first
 * step once with raw Kerberos (the mechanism SPNEGO wraps) only to learn the cause: that
 * token is dropped, never sent. Returns the error to classify: the raw Kerberos failure, with
 * the SPNEGO error as its `cause`, or `error` itself when it is not the opaque one, when raw
 * Kerberos gets no further than that or succeeds (then the cause is SPNEGO's own).
 * The repeat goes through the same provider, so it is bounded like any GSS call.
 */
export async function learnSpnegoCause(
  gss: GssProvider,
  spn: string,
  options: GssContextOptions,
  error: unknown,
): Promise<unknown> {
  if (options.mechanism !== 'spnego' || !OPAQUE_SPNEGO.test(messageOf(error))) return error;
  try {
    const context = await gss.createContext(spn, { ...options, mechanism: 'kerberos' });
    await context.step('');
    return error;
  } catch (krb5Error) {
    // A time-out or a refused slot says nothing about Kerberos itself.
    if (isKerberosAuthError(krb5Error) || OPAQUE_SPNEGO.test(messageOf(krb5Error))) return error;
    return new Error(
      `${messageOf(krb5Error).trim()} (said by raw Kerberos; SPNEGO said only "${messageOf(error).trim()}")`,
      { cause: error },
    );
  }
}
