/**
 * RFC 7235 section 4.1 `WWW-Authenticate` / `Proxy-Authenticate` parsing.
 *
 * One header value can hold several challenges, and Node joins repeated header lines
 * with ", " (so `Negotiate, Basic realm="a, b"` is normal). Commas therefore separate
 * both challenges and auth-params, and may sit inside quoted strings: the value cannot
 * be split on commas. This is a single left-to-right scan, linear in the input length,
 * that never throws: malformed parts are skipped up to the next comma.
 */

/** One challenge: a scheme with either a token68 or auth-params (RFC 7235 section 2.1). */
export interface Challenge {
  /** The auth-scheme as the server wrote it; compare it case-insensitively. */
  scheme: string;
  /** The token68 after the scheme, if any (Negotiate carries its GSS token this way). */
  token68?: string;
  /** auth-params by lower-cased name; a null-prototype object. */
  params: Record<string, string>;
}

// tchar of RFC 7230 section 3.2.6.
const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
// token68 characters of RFC 7235 section 2.1, without the trailing "=" padding.
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

  read(pattern: RegExp): string {
    const start = this.pos;
    while (!this.done && pattern.test(this.peek())) this.pos++;
    return this.text.slice(start, this.pos);
  }

  readQuoted(): string | undefined {
    // RFC 7230 section 3.2.6: quoted-string with backslash quoted-pairs. The value is taken
    // in slices between quoted-pairs: adding one character at a time builds a string that
    // costs far more than its length to flatten on a 1 MiB header.
    const parts: string[] = [];
    let from = ++this.pos;
    for (; !this.done; this.pos++) {
      const char = this.peek();
      if (char === '"') {
        parts.push(this.text.slice(from, this.pos++));
        return parts.join('');
      }
      if (char === '\\') {
        parts.push(this.text.slice(from, this.pos++));
        from = this.pos;
      }
    }
    return undefined; // unterminated
  }

  /** Skips to the next comma that is not inside a quoted string. */
  recover(): void {
    while (!this.done && this.peek() !== ',') {
      if (this.peek() === '"') this.readQuoted();
      else this.pos++;
    }
  }
}

/**
 * Parses one or more `WWW-Authenticate` header values into challenges, in order.
 * Never throws; what cannot be parsed is left out.
 */
export function parseChallenges(header: string | readonly string[] | undefined | null): Challenge[] {
  if (header === undefined || header === null) return [];
  const values = typeof header === 'string' ? [header] : header;
  const challenges: Challenge[] = [];
  for (const value of values) {
    if (typeof value === 'string') parseValue(new Scanner(value), challenges);
  }
  return challenges;
}

function parseValue(scanner: Scanner, out: Challenge[]): void {
  for (;;) {
    scanner.skipWhitespaceAndCommas();
    if (scanner.done) return;
    const scheme = scanner.read(TCHAR);
    if (scheme === '') {
      scanner.recover();
      continue;
    }
    const challenge: Challenge = { scheme, params: Object.create(null) as Record<string, string> };
    out.push(challenge);
    scanner.skipWhitespace();
    if (!scanner.done && scanner.peek() !== ',') readCredentials(scanner, challenge);
  }
}

/** Reads what follows a scheme: a token68, or a comma-separated list of auth-params. */
function readCredentials(scanner: Scanner, challenge: Challenge): void {
  const start = scanner.pos;
  const token68 = scanner.read(TOKEN68) + scanner.read(/=/);
  scanner.skipWhitespace();
  if (token68 !== '' && (scanner.done || scanner.peek() === ',') && !/^=/.test(token68)) {
    challenge.token68 = token68;
    return;
  }
  scanner.pos = start;
  readParams(scanner, challenge);
}

function readParams(scanner: Scanner, challenge: Challenge): void {
  for (;;) {
    const name = scanner.read(TCHAR);
    scanner.skipWhitespace();
    if (name === '' || scanner.peek() !== '=') {
      scanner.recover();
      return;
    }
    scanner.pos++;
    scanner.skipWhitespace();
    const value = scanner.peek() === '"' ? scanner.readQuoted() : scanner.read(TCHAR);
    if (value === undefined) return;
    challenge.params[name.toLowerCase()] = value;
    scanner.skipWhitespace();
    if (scanner.peek() !== ',' || !nextIsParam(scanner)) return;
    scanner.skipWhitespaceAndCommas();
  }
}

/** After a comma: is the next list element another auth-param (`name=`) or a new challenge? */
function nextIsParam(scanner: Scanner): boolean {
  const saved = scanner.pos;
  scanner.skipWhitespaceAndCommas();
  const name = scanner.read(TCHAR);
  scanner.skipWhitespace();
  const isParam = name !== '' && scanner.peek() === '=';
  scanner.pos = saved;
  return isParam;
}
