/**
 * The header grammar of HTTP authentication (RFC 9110 section 11, formerly RFC 7235 section
 * 2.1): `WWW-Authenticate` / `Proxy-Authenticate` hold a list of challenges, `Authorization` /
 * `Proxy-Authorization` one credentials of the same shape, a scheme followed by either a
 * token68 (Negotiate carries its GSS token this way, RFC 4559 section 4) or auth-params.
 *
 * One header value can hold several challenges, and Node joins repeated header lines
 * with ", " (so `Negotiate, Basic realm="a, b"` is normal). Commas therefore separate
 * both challenges and auth-params, and may sit inside quoted strings: the value cannot
 * be split on commas. `scanAuthHeader` is a single left-to-right scan, linear in the input
 * length, that never throws and reports where every part sits, malformed parts included:
 * `parseChallenges` (which leaves malformed parts out) and the CLI's redaction (which masks
 * them) both read its result, so they cannot disagree about what a part is.
 */

/** Where a part sits in the scanned value: `value.slice(start, end)`. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** An auth-param `name=value`; `value` is the raw text, quotes and backslashes included. */
export interface ParamSpan {
  readonly name: Span;
  readonly value: Span;
  readonly quoted: boolean;
}

/** A list of auth-params, and what stands among them but is none. */
export interface ParamList {
  readonly params: ParamSpan[];
  /**
   * Parts that are neither a token68 nor an auth-param, each up to the next comma outside
   * quotes: `Negotiate abc def`, `Basic realm=x y`, an unterminated quoted string (to the end
   * of the value). Reading goes on with the auth-params after them.
   */
  readonly malformed: Span[];
}

/**
 * A list element that starts with an auth-scheme: what follows it is a token68, auth-params,
 * or nothing; a part that fits neither form ends up in `malformed`.
 */
export interface ChallengeSpans extends ParamList {
  readonly kind: 'challenge';
  readonly scheme: Span;
  token68?: Span;
}

/** A list element that does not start with an auth-scheme (`"junk"`, `=x`), up to the next comma. */
export interface MalformedSpan {
  readonly kind: 'malformed';
  readonly span: Span;
}

export type AuthElement = ChallengeSpans | MalformedSpan;

/** One challenge: a scheme with either a token68 or auth-params (RFC 7235 section 2.1). */
export interface Challenge {
  /** The auth-scheme as the server wrote it; compare it case-insensitively. */
  scheme: string;
  /** The token68 after the scheme, if any (Negotiate carries its GSS token this way). */
  token68?: string;
  /** auth-params by lower-cased name; a null-prototype object. */
  params: Record<string, string>;
  /** Set when a part after the scheme was neither a token68 nor an auth-param (left out). */
  malformed?: true;
}

// tchar of RFC 9110 section 5.6.2.
const TCHAR_CLASS = "[!#$%&'*+\\-.^_`|~0-9A-Za-z]";
const TCHAR = new RegExp(TCHAR_CLASS);
/** A whole token of RFC 9110 section 5.6.2 (token = 1*tchar): a header, method or cookie name. */
export const HTTP_TOKEN = new RegExp(`^${TCHAR_CLASS}+$`);
// token68 characters of RFC 9110 section 11.2, without the trailing "=" padding.
const TOKEN68 = /[-._~+/0-9A-Za-z]/;

class Scanner {
  pos = 0;
  constructor(readonly text: string) {}

  get done(): boolean {
    return this.pos >= this.text.length;
  }

  peek(): string {
    return this.text.charAt(this.pos);
  }

  skipWhitespace(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.pos++;
  }

  skipWhitespaceAndCommas(): void {
    while (this.peek() === ' ' || this.peek() === '\t' || this.peek() === ',') this.pos++;
  }

  read(pattern: RegExp): Span {
    const start = this.pos;
    while (!this.done && pattern.test(this.peek())) this.pos++;
    return { start, end: this.pos };
  }

  /** Skips a quoted-string (RFC 9110 section 5.6.4) that opens here; false when it never closes. */
  skipQuoted(): boolean {
    for (this.pos++; !this.done; this.pos++) {
      const char = this.peek();
      if (char === '"') {
        this.pos++;
        return true;
      }
      if (char === '\\') this.pos++; // quoted-pair: the next character is taken as it is
    }
    this.pos = this.text.length;
    return false;
  }

  /**
   * Skips to the next comma that is not inside a quoted string and returns the span from
   * `start` to there, trailing whitespace left out.
   */
  recover(start: number): Span {
    while (!this.done && this.peek() !== ',') {
      if (this.peek() === '"') this.skipQuoted();
      else this.pos++;
    }
    let end = this.pos;
    while (end > start && (this.text[end - 1] === ' ' || this.text[end - 1] === '\t')) end--;
    return { start, end };
  }
}

const isEmpty = (span: Span): boolean => span.start === span.end;

/**
 * Scans one header value into its list elements, in order. Every character that is not
 * whitespace, a list comma or the `=` of an auth-param lies in a reported span, so a reader
 * that masks what it does not recognise masks everything it was not told about. Never throws.
 */
export function scanAuthHeader(value: string): AuthElement[] {
  const scanner = new Scanner(value);
  const elements: AuthElement[] = [];
  for (;;) {
    scanner.skipWhitespaceAndCommas();
    if (scanner.done) return elements;
    const start = scanner.pos;
    const scheme = scanner.read(TCHAR);
    // A scheme ends at whitespace, a comma or the end (RFC 9110 section 11.3: 1*SP before
    // its token68 or auth-params): in `YII+a/b` the tchar run `YII+a` is no scheme.
    const next = scanner.peek();
    if (isEmpty(scheme) || !(scanner.done || next === ' ' || next === '\t' || next === ',')) {
      elements.push({ kind: 'malformed', span: scanner.recover(start) });
      continue;
    }
    const challenge: ChallengeSpans = { kind: 'challenge', scheme, params: [], malformed: [] };
    elements.push(challenge);
    scanner.skipWhitespace();
    if (!scanner.done && scanner.peek() !== ',') readCredentials(scanner, challenge);
  }
}

/**
 * Scans an `Authentication-Info` or `Proxy-Authentication-Info` value (RFC 9110 section
 * 11.6.3): auth-params with no scheme, such as Digest's `rspauth`. Never throws.
 */
export function scanAuthParams(value: string): ParamList {
  const scanner = new Scanner(value);
  const list: ParamList = { params: [], malformed: [] };
  for (;;) {
    scanner.skipWhitespaceAndCommas();
    if (scanner.done) return list;
    readParams(scanner, list);
  }
}

/** Reads what follows a scheme: a token68, or a comma-separated list of auth-params. */
function readCredentials(scanner: Scanner, challenge: ChallengeSpans): void {
  const start = scanner.pos;
  scanner.read(TOKEN68);
  const end = scanner.read(/=/).end;
  scanner.skipWhitespace();
  if (end > start && scanner.text[start] !== '=' && (scanner.done || scanner.peek() === ',')) {
    challenge.token68 = { start, end };
    return;
  }
  scanner.pos = start;
  readParams(scanner, challenge);
}

function readParams(scanner: Scanner, list: ParamList): void {
  for (;;) {
    const param = readParam(scanner);
    if ('name' in param) list.params.push(param);
    else list.malformed.push(param);
    if (scanner.done || !nextIsParam(scanner)) return;
    scanner.skipWhitespaceAndCommas();
  }
}

/** Reads one auth-param, or what stands in its place up to the next comma outside quotes. */
function readParam(scanner: Scanner): ParamSpan | Span {
  const start = scanner.pos;
  const name = scanner.read(TCHAR);
  scanner.skipWhitespace();
  if (isEmpty(name) || scanner.peek() !== '=') return scanner.recover(start);
  scanner.pos++;
  scanner.skipWhitespace();
  const quoted = scanner.peek() === '"';
  const valueStart = scanner.pos;
  if (quoted && !scanner.skipQuoted()) return { start, end: scanner.pos };
  const value = quoted ? { start: valueStart, end: scanner.pos } : scanner.read(TCHAR);
  scanner.skipWhitespace();
  // A param ends at a comma or the end: `realm=x y` is no param, and `y` no new scheme.
  if (!scanner.done && scanner.peek() !== ',') return scanner.recover(start);
  return { name, value, quoted };
}

/** After a comma: is the next list element another auth-param (`name=`) or a new challenge? */
function nextIsParam(scanner: Scanner): boolean {
  const saved = scanner.pos;
  scanner.skipWhitespaceAndCommas();
  const name = scanner.read(TCHAR);
  scanner.skipWhitespace();
  const isParam = !isEmpty(name) && scanner.peek() === '=';
  scanner.pos = saved;
  return isParam;
}

/**
 * Parses one or more `WWW-Authenticate` header values into challenges, in order.
 * Never throws; malformed parts are left out, and the challenge they followed is marked.
 */
export function parseChallenges(header: string | readonly string[] | undefined | null): Challenge[] {
  if (header === undefined || header === null) return [];
  const values = typeof header === 'string' ? [header] : header;
  const challenges: Challenge[] = [];
  for (const value of values) {
    if (typeof value !== 'string') continue;
    for (const element of scanAuthHeader(value)) {
      if (element.kind === 'challenge') challenges.push(toChallenge(value, element));
    }
  }
  return challenges;
}

function toChallenge(text: string, spans: ChallengeSpans): Challenge {
  const slice = (span: Span): string => text.slice(span.start, span.end);
  const challenge: Challenge = { scheme: slice(spans.scheme), params: Object.create(null) as Record<string, string> };
  if (spans.token68 !== undefined) challenge.token68 = slice(spans.token68);
  if (spans.malformed.length > 0) challenge.malformed = true;
  for (const param of spans.params) {
    const raw = slice(param.value);
    // One regular-expression pass over the quoted text: linear, even on a 4 MiB value.
    const value = param.quoted ? raw.slice(1, -1).replace(/\\([\s\S])/g, '$1') : raw;
    challenge.params[slice(param.name).toLowerCase()] = value;
  }
  return challenge;
}
