import { parseChallenges } from './challenge';

/** What a `WWW-Authenticate` (or `Proxy-Authenticate`) header says about Negotiate. */
export type NegotiateOffer =
  /** No Negotiate challenge at all. */
  | { kind: 'absent' }
  /** `Negotiate` without a token: the server asks us to start (RFC 4559 section 4.1). */
  | { kind: 'offer' }
  /** `Negotiate <token>`: a continuation or final token (RFC 4559 sections 4.2, 5). */
  | { kind: 'token'; token: string }
  /** The header is not usable: says why, without echoing the (attacker-controlled) value. */
  | { kind: 'invalid'; reason: string };

/**
 * The largest server token we accept, in base64 characters. Windows tokens carrying a
 * PAC reach about 48 KiB of binary (64 KiB of base64, the default MaxTokenSize); anything
 * beyond is garbage or hostile and never reaches the native code.
 */
export const MAX_TOKEN_LENGTH = 128 * 1024;

/** Standard base64 (RFC 4648 section 4) with at most two `=` of padding, as GSS tokens are sent. */
export const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Finds the Negotiate challenge in an authenticate header. Several `Negotiate` entries
 * with different tokens are refused (the server contradicts itself); the same token
 * twice is fine, as some proxies duplicate headers.
 */
export function readNegotiate(header: unknown): NegotiateOffer {
  // Fast path for the usual server reply, a single `Negotiate <token>`: no commas, so there
  // is nothing for the full RFC 7235 parser to split. Anything else takes the parser.
  if (typeof header === 'string' && header.length > 10 && !header.includes(',')) {
    const scheme = header.slice(0, 10);
    if (scheme === 'Negotiate ' || scheme.toLowerCase() === 'negotiate ') {
      const token = header.slice(10).trim();
      if (token !== '' && !/\s/.test(token)) return checkToken(new Set([token]));
    }
  }
  const values = typeof header === 'string' || Array.isArray(header) ? (header as string | string[]) : undefined;
  const negotiate = parseChallenges(values).filter((c) => c.scheme.toLowerCase() === 'negotiate');
  if (negotiate.length === 0) return { kind: 'absent' };
  const tokens = new Set<string>();
  for (const challenge of negotiate) {
    // As the fast path above, which finds `Negotiate @@` no valid token: a malformed part may
    // be the token, damaged, so the challenge is no bare offer.
    if (challenge.malformed === true) return { kind: 'invalid', reason: 'the Negotiate challenge is malformed' };
    if (challenge.token68 !== undefined) tokens.add(challenge.token68);
    else if (Object.keys(challenge.params).length > 0) {
      return { kind: 'invalid', reason: 'the Negotiate challenge carries parameters instead of a token' };
    }
  }
  return checkToken(tokens);
}

function checkToken(tokens: Set<string>): NegotiateOffer {
  if (tokens.size === 0) return { kind: 'offer' };
  if (tokens.size > 1) return { kind: 'invalid', reason: 'the server sent several different Negotiate tokens' };
  const [token] = tokens as unknown as [string];
  if (token.length > MAX_TOKEN_LENGTH) {
    return { kind: 'invalid', reason: `the Negotiate token is longer than ${MAX_TOKEN_LENGTH} characters` };
  }
  if (token.length % 4 !== 0 || !BASE64.test(token)) {
    return { kind: 'invalid', reason: 'the Negotiate token is not valid base64' };
  }
  return { kind: 'token', token };
}
