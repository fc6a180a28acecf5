import type { AxiosInstance, AxiosResponse } from 'axios';
import { parseChallenges } from '../../http/challenge';
import { readNegotiate } from '../../http/negotiate-challenge';
import { describeFailure } from '../failure';
import { redactScheme } from '../redact';
import { failed, passed, type Step } from './step';

const NOT_OFFERED_FIX =
  'the server does not ask for Kerberos at this URL: check the URL (a protected path?), and enable SPNEGO on the ' +
  'server (Apache mod_auth_gssapi, nginx spnego-http-auth, IIS Windows Authentication with the Negotiate provider, ' +
  'a SPNEGO filter in Java servers)';

/**
 * Check 5: what the server answers a request without credentials. A Kerberos-protected
 * resource answers 401 with `WWW-Authenticate: Negotiate`; anything else means a token
 * would not be asked for (the plugin would still send one up front to a listed host).
 */
export async function checkServerChallenge(client: AxiosInstance, url: URL): Promise<Step> {
  let response: AxiosResponse;
  try {
    response = await client.get(url.href, { responseType: 'arraybuffer' });
  } catch (error) {
    const failure = describeFailure(error);
    return failed(
      'server-challenge',
      `no answer from ${url.origin}: ${failure.problem}`,
      failure.fix ?? 'check the URL',
    );
  }
  const status = `${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
  const header = response.headers['www-authenticate'] as string | string[] | undefined;
  const schemes = parseChallenges(header).map((challenge) => redactScheme(challenge.scheme));
  const offer = readNegotiate(header);
  const others = schemes.filter((scheme) => scheme.toLowerCase() !== 'negotiate');
  const also = others.length === 0 ? '' : ` (also offers ${unique(others).join(', ')})`;
  if (offer.kind === 'invalid') {
    return failed(
      'server-challenge',
      `${status} with an unusable Negotiate challenge: ${offer.reason}`,
      'a server-side problem, or something between you and the server rewrites WWW-Authenticate',
      'ERR_KERBEROS_BAD_CHALLENGE',
    );
  }
  if (offer.kind !== 'absent') return passed('server-challenge', `${status}, offers Negotiate${also}`);
  const what =
    schemes.length === 0
      ? `${status} without any authentication challenge`
      : `${status} offering only ${unique(schemes).join(', ')}`;
  return failed('server-challenge', `${what}: Negotiate is not offered`, NOT_OFFERED_FIX);
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
