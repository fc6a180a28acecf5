import type { InternalAxiosRequestConfig } from 'axios';
import { negotiationOf } from './config';
import { ORIGIN, PROXY } from './party';

type RedirectHook = NonNullable<InternalAxiosRequestConfig['beforeRedirect']>;
type RedirectOptions = Parameters<RedirectHook>[0] & { href?: string; headers?: Record<string, unknown> };

const CALLER_HOOK = Symbol.for('axios-kerberos.caller-before-redirect');
const OURS = [ORIGIN, PROXY];

/**
 * Installs axios's `beforeRedirect` hook (Node's http adapter, via follow-redirects) on a
 * config that carries our token, so that a token only ever reaches what it was minted for:
 * - our `Authorization` and `Proxy-Authorization` headers are removed on every hop:
 *   follow-redirects keeps them on same-host and subdomain redirects (where a single-use
 *   token is a replay anyway), and on an http -> https upgrade, where a proxy token would
 *   travel inside the tunnel to the origin;
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
      const ours = OURS.filter((party) => negotiationOf(config, party) !== undefined);
      const names = new Set(ours.map((party) => party.authorizationHeader.toLowerCase()));
      for (const name of Object.keys(headers)) if (names.has(name.toLowerCase())) delete headers[name];
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
