import { negotiateWith } from './core/ticket';
import { kerberosProvider } from './gss/kerberos-provider';
import type { NegotiateTicket } from './handles';
import type { NegotiateOptions } from './options';

/**
 * Mints a Negotiate `Authorization` value for a URL (`'https://api.example.com/x'`) or an SPN
 * (`'HTTP@api.example.com'`), for clients other than axios: `fetch`, undici, got, `http`.
 *
 * @example
 * const url = 'https://api.example.com/things';
 * const ticket = await negotiate(url);
 * // The token is single use: do not let fetch replay it on a redirect.
 * const response = await fetch(url, { headers: { Authorization: ticket.header }, redirect: 'manual' });
 * if (response.ok) await ticket.verify(response.headers.get('www-authenticate'));
 */
export function negotiate(target: string | URL, options: NegotiateOptions = {}): Promise<NegotiateTicket> {
  return negotiateWith(kerberosProvider(), target, options);
}
