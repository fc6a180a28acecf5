import type { AxiosInstance, AxiosResponse } from 'axios';
import { stateOf } from '../../core/state';
import { rejectedFix } from '../../errors/classify';
import type { Mechanism, MutualMode } from '../../options';
import { describeFailure, inCliTerms } from '../failure';
import { failed, passed, type Step } from './step';

/** How the authenticated request went, for the round-trip summary. */
export interface AuthenticatedOutcome {
  step: Step;
  /** 401 rounds the plugin answered (0 when the token sent up front was accepted). */
  rounds: number | undefined;
}

/**
 * Check 6: the real thing, through an axios instance with kerberosAuth installed for the
 * URL's host. Mutual authentication follows the plugin's rules (required on http:, unless
 * `--mutual` says otherwise), so a server that does not prove itself fails here.
 */
export async function checkAuthenticatedRequest(
  client: AxiosInstance,
  url: URL,
  mutual: MutualMode,
  mechanism: Mechanism,
): Promise<AuthenticatedOutcome> {
  let response: AxiosResponse;
  try {
    response = await client.get(url.href, { responseType: 'arraybuffer' });
  } catch (error) {
    const failure = describeFailure(error);
    return {
      step: failed('authenticated-request', failure.problem, failure.fix ?? 'see docs/errors.md', failure.code),
      rounds: undefined,
    };
  }
  const negotiation = stateOf(response.config)?.origin;
  const rounds = negotiation?.rounds;
  const status = `${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
  if (negotiation === undefined) {
    const detail = `${status}, but no Negotiate token was sent`;
    return { step: failed('authenticated-request', detail, 'check the URL host and --spn'), rounds };
  }
  if (response.status === 401) {
    return {
      step: failed(
        'authenticated-request',
        `${status}: the server did not accept the Kerberos token`,
        // The plugin's own advice for the same refusal, so `doctor` and the library agree.
        `${inCliTerms(rejectedFix(mechanism))}; and read the server's log`,
        'ERR_KERBEROS_REJECTED',
      ),
      rounds,
    };
  }
  const how = rounds === 0 ? 'token sent up front' : `after ${rounds} 401 round${rounds === 1 ? '' : 's'}`;
  const mutualText = describeMutual(mutual, negotiation.complete);
  if (response.status >= 400) {
    return {
      step: failed(
        'authenticated-request',
        `${status} (${how}; ${mutualText}): authenticated, but the server refuses the request`,
        'Kerberos works; the server does not let your principal do this: check its authorization rules and its log',
      ),
      rounds,
    };
  }
  return { step: passed('authenticated-request', `${status} (${how}); ${mutualText}`), rounds };
}

function describeMutual(mutual: MutualMode, complete: boolean): string {
  if (mutual === 'disabled') return 'mutual authentication not checked (--mutual disabled)';
  if (complete) return 'mutual authentication verified';
  return 'mutual authentication not verified: the server sent no final token (allowed by --mutual optional)';
}
