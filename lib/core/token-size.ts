import { AxiosHeaders, type AxiosResponse } from 'axios';
import { KerberosAuthError } from '../errors/kerberos-auth-error';
import { negotiationOf } from './config';
import { ORIGIN, PROXY } from './party';

/**
 * From this many base64 characters on, a Negotiate token is a likely reason for a 400 or 431.
 * A plain Active Directory ticket gives about 1.5 to 3 KiB; the PAC grows by about 8 bytes per
 * group, so a user in a few hundred groups crosses it, and delegation (a TGT inside the
 * token) roughly doubles the size. Server limits start at 8 KiB (Apache, nginx, Tomcat).
 */
export const LARGE_TOKEN_CHARS = 4096;

/**
 * ERR_KERBEROS_TOKEN_TOO_LARGE when `response` is a 400 (Apache, IIS, nginx, Tomcat) or 431
 * (Node, Jetty; RFC 6585 section 5) to a request that carried our large Negotiate token:
 * the server refused the header before any authentication, so this is neither a rejected
 * ticket nor a mutual-authentication failure. Undefined otherwise.
 */
export function tokenTooLarge(response: AxiosResponse): KerberosAuthError | undefined {
  if (response.status !== 400 && response.status !== 431) return undefined;
  const headers = AxiosHeaders.from(response.config.headers);
  for (const party of [ORIGIN, PROXY]) {
    const negotiation = negotiationOf(response.config, party);
    const match = /^Negotiate\s+(\S+)/i.exec(String(headers.get(party.authorizationHeader) ?? ''));
    if (negotiation === undefined || match === null) continue;
    const chars = (match[1] as string).length;
    if (chars < LARGE_TOKEN_CHARS) continue;
    const kib = (chars / 1024).toFixed(1);
    const delegation = negotiation.plan.delegate
      ? ' It carries a delegated ticket (`delegate: true`), which roughly doubles its size.'
      : '';
    return new KerberosAuthError(
      'ERR_KERBEROS_TOKEN_TOO_LARGE',
      `${negotiation.host} answered ${response.status} to a request whose ${party.authorizationHeader} header held a ` +
        `${chars}-character (${kib} KiB) Negotiate token for SPN ${negotiation.spn}: the header is larger than the ` +
        `server accepts. Kerberos tickets grow with the user's group memberships (the PAC).${delegation}`,
      {
        spn: negotiation.spn,
        host: negotiation.host,
        config: response.config,
        response,
        fix:
          "raise the server's header limit (Apache: `LimitRequestFieldSize`; IIS/http.sys: `MaxFieldLength` and " +
          '`MaxRequestBytes`; nginx: `large_client_header_buffers`; Node: `--max-http-header-size`; Tomcat: ' +
          '`maxHttpHeaderSize`), or reduce the groups the account is a member of' +
          (negotiation.plan.delegate ? ', or leave out `delegate` where the server does not need your ticket' : ''),
      },
    );
  }
  return undefined;
}
