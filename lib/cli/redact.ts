import { scanAuthHeader, type ChallengeSpans, type Span } from '../http/challenge';
import { BASE64 } from '../http/negotiate-challenge';

/** Headers that hold challenges: a list of schemes, each maybe with a token68 or auth-params. */
const CHALLENGE_HEADERS = new Set(['www-authenticate', 'proxy-authenticate']);
/** Headers that hold the client's credentials, in the same grammar (RFC 9110 section 11.6.2). */
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization']);

/**
 * auth-params that describe a challenge (RFC 7617, RFC 6750 section 3, RFC 7616 section 3.3)
 * and prove nothing: printed as they are. Every other parameter (`nonce`, Digest's `response`,
 * a signature) is masked, its name too: a name the scanner read out of a damaged token
 * (`Negotiate YIIG…=x`) can be most of that token.
 */
const DESCRIPTIVE_PARAMS = new Set([
  'realm',
  'charset',
  'error',
  'error_description',
  'error_uri',
  'scope',
  'algorithm',
  'qop',
  'stale',
  'domain',
]);

/**
 * Registered scheme names are short (`AWS4-HMAC-SHA256`, `SCRAM-SHA-256`); a longer "scheme"
 * is a token that lost its scheme (`WWW-Authenticate: Negotiate, YIIGhg…`), and is masked.
 */
const MAX_SCHEME_LENGTH = 32;

/** What may stand between the parts the scanner reports: whitespace and list commas. */
const SEPARATORS = /^[ \t,]*$/;

/**
 * Replaces every credential in an authentication header value with its size: `Negotiate
 * oRQwEqADCgEAoQsGCSqGSIb3EgECAg==` becomes `Negotiate <redacted 22 bytes>` (decoded bytes
 * for base64 tokens). Built on the scan the challenge parser uses, and by the rule that what
 * is not known to be harmless is masked: scheme names and descriptive auth-params (`realm`)
 * stay, while tokens, other auth-params, and every part the scanner could not classify
 * (`Negotiate abc def`, an unterminated quoted string, a stray `"…"`) are masked.
 *
 * `role` says which header the value came from. In `challenge` headers a word on its own is
 * a scheme offered (`Negotiate, Basic realm="x"`), unless it is too long for a scheme name. In `credentials` headers it may just as
 * well be a raw API key (`Authorization: sk_live_…`), so a scheme is printed only when a
 * well-formed token68 or auth-params follow it; otherwise the whole element is masked.
 */
export function redactAuthValue(value: string, role: 'challenge' | 'credentials' = 'challenge'): string {
  const out: string[] = [];
  let written = 0; // value.slice(0, written) is in `out`
  const upTo = (start: number): void => {
    const between = value.slice(written, start);
    out.push(SEPARATORS.test(between) ? between : masked(between));
  };
  const keep = (span: Span): void => {
    upTo(span.start);
    out.push(value.slice(span.start, span.end));
    written = span.end;
  };
  const mask = (span: Span, text = masked(value.slice(span.start, span.end))): void => {
    upTo(span.start);
    out.push(text);
    written = span.end;
  };

  for (const element of scanAuthHeader(value)) {
    if (element.kind === 'malformed') {
      mask(element.span);
      continue;
    }
    const wellFormed = (element.token68 !== undefined || element.params.length > 0) && element.malformed.length === 0;
    if (role === 'credentials' && !wellFormed) {
      mask({ start: element.scheme.start, end: endOf(element) });
      continue;
    }
    if (element.scheme.end - element.scheme.start <= MAX_SCHEME_LENGTH) keep(element.scheme);
    else mask(element.scheme);
    if (element.token68 !== undefined) {
      const token = value.slice(element.token68.start, element.token68.end);
      const base64 = token.length % 4 === 0 && BASE64.test(token);
      const bytes = base64 ? Buffer.from(token, 'base64').length : Buffer.byteLength(token);
      mask(element.token68, redacted(bytes));
    }
    // Params and malformed parts interleave; both lists are in order, so merge them.
    const malformed = element.malformed.values();
    let pending = malformed.next();
    for (const param of element.params) {
      for (; !pending.done && pending.value.start < param.name.start; pending = malformed.next()) mask(pending.value);
      const span = { start: param.name.start, end: param.value.end };
      const name = value.slice(param.name.start, param.name.end).toLowerCase();
      if (DESCRIPTIVE_PARAMS.has(name)) keep(span);
      else mask(span);
    }
    for (; !pending.done; pending = malformed.next()) mask(pending.value);
  }
  upTo(value.length);
  return out.join('');
}

/** A header value ready to print: redacted when the header carries credentials or challenges. */
export function redactHeader(name: string, value: string): string {
  const lower = name.toLowerCase();
  if (CHALLENGE_HEADERS.has(lower)) return redactAuthValue(value, 'challenge');
  if (CREDENTIAL_HEADERS.has(lower)) return redactAuthValue(value, 'credentials');
  return value;
}

function endOf(element: ChallengeSpans): number {
  const lastParam = element.params[element.params.length - 1]?.value;
  const lastMalformed = element.malformed[element.malformed.length - 1];
  return Math.max((lastParam ?? element.token68 ?? element.scheme).end, lastMalformed?.end ?? 0);
}

function masked(text: string): string {
  return text === '' ? '' : redacted(Buffer.byteLength(text));
}

function redacted(bytes: number): string {
  return `<redacted ${bytes} bytes>`;
}
