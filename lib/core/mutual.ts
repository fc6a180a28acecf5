import type { AxiosResponse } from 'axios';
import { MutualAuthenticationError } from '../errors/mutual-authentication-error';
import { debug } from '../debug';
import { readNegotiate } from '../http/negotiate-challenge';
import type { Negotiation } from './negotiation';
import type { Party } from './party';

/**
 * Mutual authentication (RFC 4559 section 5): the server's last `WWW-Authenticate: Negotiate
 * <token>` must step the context to completion. Under 'required' a response without that
 * token fails too: on plain http nothing else says the response came from the server the
 * ticket was for. A failure withholds the response; the error carries only the config.
 */
export async function verifyMutual(negotiation: Negotiation, response: AxiosResponse, party: Party): Promise<void> {
  const offer = negotiation.mutual === 'disabled' ? undefined : readNegotiate(response.headers[party.challengeHeader]);
  let problem: string | undefined;
  if (offer?.kind === 'token') problem = await negotiation.verify(offer.token);
  else if (offer?.kind === 'invalid') problem = offer.reason;
  else if (offer !== undefined && negotiation.mutual === 'required' && !negotiation.plan.adaptive) {
    problem =
      'the response carries no Negotiate token. If the resource does not require authentication, ' +
      "set `mutual: 'optional'` for it; otherwise the response may not come from the authenticated server";
  }
  negotiation.finish();
  const outcome = problem ?? (offer?.kind === 'token' ? 'verified' : 'no server token, accepted');
  debug('mutual authentication with %s (%s): %s', negotiation.host, negotiation.mutual, outcome);
  if (problem === undefined) return;
  throw new MutualAuthenticationError(
    `Mutual authentication with ${negotiation.host} (SPN ${negotiation.spn}) failed on HTTP ${response.status}: ` +
      `${problem}. The response was withheld. Fix: check that the server is the one registered as ${negotiation.spn} ` +
      'and that nothing between you and it rewrites authentication headers.',
    { spn: negotiation.spn, host: negotiation.host, config: response.config },
  );
}
