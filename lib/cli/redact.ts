import { BASE64 } from '../http/negotiate-challenge';

/** Headers whose values carry credentials or Negotiate tokens. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'www-authenticate', 'proxy-authenticate']);

// Either a quoted string (kept as it is, so `realm="a b, c"` is never taken for a token), or
// `scheme token68` (RFC 7235 section 2.1) where the token68 ends the challenge: followed by a
// comma or the end. `Basic realm=x` is a parameter list, not a token, and stays readable.
const QUOTED_OR_TOKEN =
  /("(?:[^"\\]|\\.)*")|([A-Za-z][!#$%&'*+.^_`|~0-9A-Za-z-]*)([ \t]+)([A-Za-z0-9._~+/-]+=*)(?=[ \t]*(?:,|$))/g;

/**
 * Replaces every token in an Authorization or WWW-Authenticate value with its size:
 * `Negotiate oRQwEqADCgEAoQsGCSqGSIb3EgECAg==` becomes `Negotiate <redacted 22 bytes>`
 * (decoded bytes for base64 tokens). Challenge parameters (realm, charset) are kept.
 */
export function redactAuthValue(value: string): string {
  return value.replace(
    QUOTED_OR_TOKEN,
    (match, quoted: string | undefined, scheme: string, space: string, token: string) => {
      if (quoted !== undefined) return match;
      const bytes = BASE64.test(token) ? Buffer.from(token, 'base64').length : Buffer.byteLength(token);
      return `${scheme}${space}<redacted ${bytes} bytes>`;
    },
  );
}

/** A header value ready to print: redacted when the header carries credentials. */
export function redactHeader(name: string, value: string): string {
  return CREDENTIAL_HEADERS.has(name.toLowerCase()) ? redactAuthValue(value) : value;
}
