import {
  HTTP_TOKEN,
  scanAuthHeader,
  scanAuthParams,
  type ChallengeSpans,
  type ParamList,
  type Span,
} from '../http/challenge';
import { BASE64 } from '../http/negotiate-challenge';

/** How each header that can carry a credential is read, by lower-cased name. */
const GRAMMARS = new Map<string, 'challenge' | 'credentials' | 'params' | 'cookie' | 'set-cookie'>([
  // A list of schemes, each maybe with a token68 or auth-params (RFC 9110 section 11.6.1).
  ['www-authenticate', 'challenge'],
  ['proxy-authenticate', 'challenge'],
  // The client's credentials, in the same grammar (RFC 9110 sections 11.6.2, 11.7.2).
  ['authorization', 'credentials'],
  ['proxy-authorization', 'credentials'],
  // auth-params with no scheme (RFC 9110 section 11.6.3), such as Digest's `rspauth`.
  ['authentication-info', 'params'],
  ['proxy-authentication-info', 'params'],
  // A session cookie is a bearer credential for as long as the session lasts (RFC 6265).
  ['cookie', 'cookie'],
  ['set-cookie', 'set-cookie'],
]);

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

/** `Set-Cookie` attributes (RFC 6265 section 5.2, and the later SameSite, Partitioned, Priority). */
const COOKIE_ATTRIBUTES = new Set([
  'expires',
  'max-age',
  'domain',
  'path',
  'secure',
  'httponly',
  'samesite',
  'partitioned',
  'priority',
]);

/**
 * Registered scheme names are short (`AWS4-HMAC-SHA256`, `SCRAM-SHA-256`), and so are cookie
 * names; a longer one is a token that lost its place (`WWW-Authenticate: Negotiate, YIIGhg…`),
 * and is masked.
 */
const MAX_NAME_LENGTH = 32;

/** What may stand between the parts the scanner reports: whitespace and list commas. */
const SEPARATORS = /^[ \t,]*$/;

/** A header value ready to print: redacted when the header can carry a credential. */
export function redactHeader(name: string, value: string): string {
  const grammar = GRAMMARS.get(name.toLowerCase());
  switch (grammar) {
    case undefined:
      return value;
    case 'cookie':
    case 'set-cookie':
      return redactCookies(value, grammar === 'set-cookie');
    default:
      return redactAuthValue(value, grammar);
  }
}

/**
 * A scheme name the challenge parser found, ready to print: masked when it is too long to be
 * one (a token with no scheme before it, `WWW-Authenticate: YIIGhg…`).
 */
export function redactScheme(scheme: string): string {
  return scheme.length <= MAX_NAME_LENGTH ? scheme : masked(scheme);
}

/**
 * Replaces every credential in an authentication header value with its size: `Negotiate
 * oRQwEqADCgEAoQsGCSqGSIb3EgECAg==` becomes `Negotiate <redacted 22 bytes>` (decoded bytes
 * for base64 tokens). Built on the scan the challenge parser uses, and by the rule that what
 * is not known to be harmless is masked: scheme names and descriptive auth-params (`realm`)
 * stay, while tokens, other auth-params, and every part the scanner could not classify
 * (`Negotiate abc def`, an unterminated quoted string, a stray `"…"`) are masked.
 *
 * `grammar` says which header the value came from. In `challenge` headers a word on its own
 * is a scheme offered (`Negotiate, Basic realm="x"`), unless it is too long for a scheme
 * name. In `credentials` headers it may just as well be a raw API key (`Authorization:
 * sk_live_…`), so a scheme is printed only when a well-formed token68 or auth-params follow
 * it; otherwise the whole element is masked. `params` headers hold auth-params alone.
 */
export function redactAuthValue(value: string, grammar: 'challenge' | 'credentials' | 'params' = 'challenge'): string {
  const out = new Redacted(value);
  if (grammar === 'params') {
    out.params(scanAuthParams(value));
    return out.end();
  }
  for (const element of scanAuthHeader(value)) {
    if (element.kind === 'malformed') {
      out.mask(element.span);
      continue;
    }
    const wellFormed = (element.token68 !== undefined || element.params.length > 0) && element.malformed.length === 0;
    if (grammar === 'credentials' && !wellFormed) {
      out.mask({ start: element.scheme.start, end: endOf(element) });
      continue;
    }
    out.scheme(element.scheme);
    if (element.token68 !== undefined) {
      const token = value.slice(element.token68.start, element.token68.end);
      const base64 = token.length % 4 === 0 && BASE64.test(token);
      out.mask(element.token68, base64 ? Buffer.from(token, 'base64').length : Buffer.byteLength(token));
    }
    out.params(element);
  }
  return out.end();
}

/**
 * `Cookie` and `Set-Cookie` with every cookie value masked (`gssapi_session=<redacted 96
 * bytes>; Path=/; HttpOnly`): cookie names and known `Set-Cookie` attributes stay; a part that
 * is no `name=value` pair, an unknown attribute, or a name too long to be one is masked whole.
 */
function redactCookies(value: string, setCookie: boolean): string {
  return value
    .split(';')
    .map((part, index) => {
      const equals = part.indexOf('=');
      const name = (equals === -1 ? part : part.slice(0, equals)).trim();
      const attribute = setCookie && index > 0;
      if (attribute && COOKIE_ATTRIBUTES.has(name.toLowerCase())) return part;
      const leading = part.slice(0, part.length - part.trimStart().length);
      if (attribute || equals === -1 || !HTTP_TOKEN.test(name) || name.length > MAX_NAME_LENGTH)
        return leading + masked(part.slice(leading.length));
      return part.slice(0, equals + 1) + masked(part.slice(equals + 1));
    })
    .join(';');
}

/** The redacted copy of a value, written from left to right. */
class Redacted {
  private readonly out: string[] = [];
  private written = 0; // value.slice(0, written) is in `out`

  constructor(private readonly value: string) {}

  keep(span: Span): void {
    this.upTo(span.start);
    this.out.push(this.value.slice(span.start, span.end));
    this.written = span.end;
  }

  /** Masks a span; `bytes` is its size when that is not its length in UTF-8 (a base64 token). */
  mask(span: Span, bytes?: number): void {
    this.upTo(span.start);
    const text = this.value.slice(span.start, span.end);
    this.out.push(bytes === undefined ? masked(text) : redacted(bytes));
    this.written = span.end;
  }

  scheme(span: Span): void {
    if (span.end - span.start <= MAX_NAME_LENGTH) this.keep(span);
    else this.mask(span);
  }

  /** Auth-params and the malformed parts among them, in the order they stand. */
  params(list: ParamList): void {
    const malformed = list.malformed.values();
    let pending = malformed.next();
    for (const param of list.params) {
      for (; !pending.done && pending.value.start < param.name.start; pending = malformed.next())
        this.mask(pending.value);
      const span = { start: param.name.start, end: param.value.end };
      const name = this.value.slice(param.name.start, param.name.end).toLowerCase();
      if (DESCRIPTIVE_PARAMS.has(name)) this.keep(span);
      else this.mask(span);
    }
    for (; !pending.done; pending = malformed.next()) this.mask(pending.value);
  }

  end(): string {
    this.upTo(this.value.length);
    return this.out.join('');
  }

  /** Writes what lies before `start`: separators as they are, anything else masked. */
  private upTo(start: number): void {
    const between = this.value.slice(this.written, start);
    this.out.push(SEPARATORS.test(between) ? between : masked(between));
    this.written = start;
  }
}

/** Where the last part of a list element ends. */
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
