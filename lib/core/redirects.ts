import type { InternalAxiosRequestConfig } from 'axios';
import { negotiationOf } from './config';

type RedirectHook = NonNullable<InternalAxiosRequestConfig['beforeRedirect']>;
type RedirectOptions = Parameters<RedirectHook>[0] & { href?: string; headers?: Record<string, unknown> };

const CALLER_HOOK = Symbol.for('axios-kerberos.caller-before-redirect');

/**
 * Installs axios's `beforeRedirect` hook (Node's http adapter, via follow-redirects) on a
 * config that carries our token, so that the token only ever reaches the host it was
 * minted for:
 * - our `Authorization` header is removed on every hop: follow-redirects keeps it on
 *   same-host and subdomain redirects, where the single-use token is a replay anyway;
 * - when an earlier chain ended in a challenge from another URL, the token minted for it is
 *   attached on the hop to that URL only (`Negotiation.holdForRedirect`).
 * The caller's own `beforeRedirect` still runs, after ours.
 */
export function guardRedirects(config: InternalAxiosRequestConfig): void {
  const current = config.beforeRedirect as (RedirectHook & { [CALLER_HOOK]?: RedirectHook }) | undefined;
  // An earlier guard (the config of a re-send was copied from a guarded one) wraps the
  // caller's hook, which may be none at all: unwrap it, never treat the guard as the caller's.
  const callerHook = current !== undefined && CALLER_HOOK in current ? current[CALLER_HOOK] : current;
  const guard: RedirectHook & { [CALLER_HOOK]?: RedirectHook } = (options, response, request) => {
    const headers = (options as RedirectOptions).headers;
    if (headers !== undefined) {
      for (const name of Object.keys(headers)) if (name.toLowerCase() === 'authorization') delete headers[name];
    }
    const pending = negotiationOf(config)?.takePendingRedirect(targetUrl(options as RedirectOptions));
    if (pending !== undefined && headers !== undefined) headers.Authorization = pending;
    callerHook?.(options, response, request);
  };
  guard[CALLER_HOOK] = callerHook;
  config.beforeRedirect = guard;
}

function targetUrl(options: RedirectOptions): URL | undefined {
  try {
    return options.href === undefined ? undefined : new URL(options.href);
  } catch {
    return undefined;
  }
}
