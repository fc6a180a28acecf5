import type { InternalAxiosRequestConfig } from 'axios';
import { debug } from '../util/debug';
import { MutualAuthenticationError } from '../errors/mutual-authentication-error';
import { readNegotiate } from '../http/negotiate-challenge';
import type { Negotiation } from './negotiation';

/**
 * Mutual authentication (RFC 4559 section 5): the server's last `Negotiate <token>` must step
 * the context to completion. Under 'required' a reply without that token fails too: on plain
 * http nothing else says the response came from the server the ticket was for. Single use:
 * once the negotiation is finished, a further check fails. Returns what is wrong, or
 * undefined when the check holds. Shared by the plugin and `negotiate()`.
 */
export async function serverTokenProblem(negotiation: Negotiation, header: unknown): Promise<string | undefined> {
  if (negotiation.mutual === 'disabled') {
    negotiation.finish();
    return undefined;
  }
  const offer = readNegotiate(header);
  let problem: string | undefined;
  if (offer.kind === 'token') problem = await negotiation.verify(offer.token);
  else if (negotiation.finished) problem = 'the handshake had already been verified once';
  else if (offer.kind === 'invalid') problem = offer.reason;
  else if (negotiation.mutual === 'required' && !negotiation.plan.adaptive) {
    problem =
      'the response carries no Negotiate token. If the resource does not require authentication, ' +
      "set `mutual: 'optional'` for it; otherwise the response may not come from the authenticated server";
  }
  negotiation.finish();
  if (debug.enabled) {
    const outcome = problem ?? (offer.kind === 'token' ? 'verified' : 'no server token, accepted');
    debug('mutual authentication with %s (%s): %s', negotiation.host, negotiation.mutual, outcome);
  }
  return problem;
}

/** The error for a failed check: it names the host and SPN and carries no response (withheld). */
export function mutualAuthenticationFailed(
  negotiation: Negotiation,
  problem: string,
  status?: number,
  config?: InternalAxiosRequestConfig,
): MutualAuthenticationError {
  const on = status === undefined ? '' : ` on HTTP ${status}`;
  return new MutualAuthenticationError(
    `Mutual authentication with ${negotiation.host} (SPN ${negotiation.spn}) failed${on}: ${problem}. ` +
      'The response was withheld.',
    {
      spn: negotiation.spn,
      host: negotiation.host,
      config,
      fix: `check that the server is the one registered as ${negotiation.spn} and that nothing between you and it rewrites authentication headers`,
    },
  );
}
