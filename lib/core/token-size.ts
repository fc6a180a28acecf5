import type { AxiosResponse } from 'axios';
import { KerberosAuthError } from '../errors/kerberos-auth-error';
import { readNegotiate } from '../http/negotiate-challenge';
import { ORIGIN, PROXY } from './party';
import type { RequestState } from './state';

/**
 * From this many base64 characters on, a Negotiate token is a likely reason for a 400 or 431.
 * A plain Active Directory ticket gives about 1.5 to 3 KiB; the PAC grows by about 8 bytes per
 * group, so a user in a few hundred groups crosses it, and delegation (a TGT inside the
 * token) roughly doubles the size. Server limits start at 8 KiB (Apache, nginx, Tomcat).
 */
export const LARGE_TOKEN_CHARS = 4096;

// A 400 is also what applications answer to bad input, so for a 400 the token must be near the
// common 8 KiB limits (Apache's LimitRequestFieldSize 8190 for the whole header line, nginx's
// and Tomcat's 8 KiB), or the server's page must speak of header size: Apache "Size of a
// request header field exceeds server limit", IIS "Request Too Long", nginx "Request Header
// Or Cookie Too Large", Tomcat "Request header is too large".
const NEAR_LIMIT_CHARS = 7000;
const SIZE_WORDS = /header|too large|too long|exceed/i;

/**
 * ERR_KERBEROS_TOKEN_TOO_LARGE when `response` is a 400 (Apache, IIS, nginx, Tomcat) or 431
 * (Node, Jetty; RFC 6585 section 5) to a request that carried our large Negotiate token:
 * the server refused the header before any authentication, so this is neither a rejected
 * ticket nor a mutual-authentication failure. Undefined otherwise, and for a 400 that carries
 * the server's own Negotiate token (the request was authenticated: the application refused it).
 */
export function tokenTooLarge(response: AxiosResponse, state: RequestState): KerberosAuthError | undefined {
  if (response.status !== 400 && response.status !== 431) return undefined;
  for (const party of [ORIGIN, PROXY]) {
    const negotiation = state.negotiation(party);
    if (negotiation === undefined) continue;
    const chars = negotiation.sentTokenChars;
    if (chars < LARGE_TOKEN_CHARS) continue;
    if (response.status === 400) {
      if (readNegotiate(response.headers[party.challengeHeader]).kind === 'token') continue;
      if (chars < NEAR_LIMIT_CHARS && !SIZE_WORDS.test(bodyStart(response.data))) continue;
    }
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

/** The first KiB of a response body read as text, when axios buffered it; '' for a stream. */
function bodyStart(data: unknown): string {
  if (typeof data === 'string') return data.slice(0, 1024);
  if (Buffer.isBuffer(data)) return data.subarray(0, 1024).toString('latin1');
  if (data instanceof ArrayBuffer) return Buffer.from(data, 0, Math.min(1024, data.byteLength)).toString('latin1');
  return '';
}
