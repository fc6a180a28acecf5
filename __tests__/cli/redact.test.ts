import fc from 'fast-check';
import { redactAuthValue, redactHeader } from '../../lib/cli/redact';

describe('redactAuthValue', () => {
  it('replaces a Negotiate token with its decoded size', () => {
    expect(redactAuthValue('Negotiate oRQwEqADCgEAoQsGCSqGSIb3EgECAg==')).toBe('Negotiate <redacted 22 bytes>');
  });

  it('keeps a bare Negotiate offer and challenge parameters, also quoted ones with commas', () => {
    expect(redactAuthValue('Negotiate')).toBe('Negotiate');
    expect(redactAuthValue('Negotiate, Basic realm="a b, c"')).toBe('Negotiate, Basic realm="a b, c"');
    expect(redactAuthValue('Basic realm=x, charset=UTF-8')).toBe('Basic realm=x, charset=UTF-8');
  });

  it('redacts every token of a combined header, whatever the scheme', () => {
    expect(redactAuthValue('Negotiate YWJj, Basic realm="r"')).toBe('Negotiate <redacted 3 bytes>, Basic realm="r"');
    expect(redactAuthValue('Basic YWxpY2U6c2VjcmV0')).toBe('Basic <redacted 12 bytes>');
    expect(redactAuthValue('Bearer eyJ.payload.sig')).toBe('Bearer <redacted 15 bytes>');
  });

  it('never lets a base64 token through', () => {
    fc.assert(
      fc.property(
        fc.base64String({ minLength: 8 }),
        fc.constantFrom('Negotiate', 'negotiate', 'NTLM', 'Kerberos'),
        (token, scheme) => {
          const out = redactAuthValue(`${scheme} ${token}`);
          expect(out).not.toContain(token);
          expect(out).toMatch(/^\S+ <redacted \d+ bytes>$/);
        },
      ),
    );
  });
});

describe('redactHeader', () => {
  it('redacts credential headers only', () => {
    expect(redactHeader('WWW-Authenticate', 'Negotiate YWJj')).toBe('Negotiate <redacted 3 bytes>');
    expect(redactHeader('authorization', 'Negotiate YWJj')).toBe('Negotiate <redacted 3 bytes>');
    expect(redactHeader('Proxy-Authenticate', 'Negotiate YWJj')).toBe('Negotiate <redacted 3 bytes>');
    expect(redactHeader('X-Note', 'Negotiate YWJj')).toBe('Negotiate YWJj');
  });
});

describe('redactAuthValue on malformed and hostile values', () => {
  it('masks a malformed part after a scheme, and keeps the scheme', () => {
    expect(redactAuthValue('Negotiate abc def')).toBe('Negotiate <redacted 7 bytes>');
    expect(redactAuthValue('Negotiate "YII, G" x, Basic realm="r"')).toBe(
      'Negotiate <redacted 10 bytes>, Basic realm="r"',
    );
    expect(redactAuthValue('Basic realm="r" YWxpY2U6c2VjcmV0, NTLM')).toBe('Basic <redacted 26 bytes>, NTLM');
  });

  it('masks a token damaged into an auth-param, its name included', () => {
    expect(redactAuthValue('Negotiate YIIGhgYJKoZIhvcS=x')).toBe('Negotiate <redacted 18 bytes>');
  });

  it('masks an unterminated quoted string to the end of the value', () => {
    expect(redactAuthValue('Basic realm="r, Negotiate YIIGhg')).toBe('Basic <redacted 26 bytes>');
  });

  it('masks list elements that start with no scheme', () => {
    expect(redactAuthValue('"YIIGhg", =YIIGhg, Negotiate')).toBe('<redacted 8 bytes>, <redacted 7 bytes>, Negotiate');
  });

  it('keeps descriptive auth-params and masks the others, names included', () => {
    expect(
      redactAuthValue('Digest realm="r", qop="auth", nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque=x'),
    ).toBe('Digest realm="r", qop="auth", <redacted 52 bytes>, <redacted 8 bytes>');
    expect(redactAuthValue('Bearer realm="api", error="invalid_token", scope="read write"')).toBe(
      'Bearer realm="api", error="invalid_token", scope="read write"',
    );
  });

  it('masks a word too long to be a scheme name', () => {
    const token = 'YIIGhgYJKoZIhvcSAQICAQBuggZ1MIIGcaADAgEFoQMCAQ6iBwMFACAAAACjggS';
    expect(redactAuthValue(`Negotiate, ${token}`)).toBe(`Negotiate, <redacted ${token.length} bytes>`);
  });
});

describe('redactHeader on Authentication-Info', () => {
  it('masks auth-params that prove something and whatever is no auth-param', () => {
    expect(redactHeader('Authentication-Info', 'rspauth="d3b07384d113", qop=auth, junk')).toBe(
      '<redacted 22 bytes>, qop=auth, <redacted 4 bytes>',
    );
    expect(redactHeader('Proxy-Authentication-Info', 'nextnonce="abc"')).toBe('<redacted 15 bytes>');
  });
});

describe('redactHeader on Cookie and Set-Cookie', () => {
  it('masks every cookie value and keeps names and attributes', () => {
    expect(
      redactHeader(
        'Set-Cookie',
        'gssapi_session=MagBearerToken=abc; Path=/; Expires=Sun, 06 Dec 2026 10:00:00 GMT; HttpOnly',
      ),
    ).toBe('gssapi_session=<redacted 18 bytes>; Path=/; Expires=Sun, 06 Dec 2026 10:00:00 GMT; HttpOnly');
    expect(redactHeader('Cookie', 'a=1; JSESSIONID=0A1B2C')).toBe(
      'a=<redacted 1 bytes>; JSESSIONID=<redacted 6 bytes>',
    );
  });

  it('masks whole a part that is no name=value pair, or an attribute it does not know', () => {
    expect(redactHeader('Set-Cookie', 'YWJjZGVm; Path=/; Foo=bar; x y=1')).toBe(
      '<redacted 8 bytes>; Path=/; <redacted 7 bytes>; <redacted 5 bytes>',
    );
  });
});

describe('redactHeader on Authorization and Proxy-Authorization', () => {
  it('masks a value that is not a scheme followed by credentials', () => {
    expect(redactHeader('Authorization', 'sk_live_4eC39HqLyjWDarjtT1zdp7dc')).toBe('<redacted 32 bytes>');
    expect(redactHeader('Proxy-Authorization', 'Negotiate')).toBe('<redacted 9 bytes>');
    expect(redactHeader('Authorization', 'token ghp_abc def')).toBe('<redacted 17 bytes>');
    const damaged = 'Digest username="a", response="6629fae4" x, realm="r"';
    expect(redactHeader('Authorization', `${damaged}, Basic`)).toBe(
      `<redacted ${damaged.length} bytes>, <redacted 5 bytes>`,
    );
    expect(redactHeader('Authorization', 'Digest realm="r", x=y z')).toBe('<redacted 23 bytes>');
  });

  it('keeps the scheme of well-formed credentials', () => {
    expect(redactHeader('Authorization', 'Negotiate YWJj')).toBe('Negotiate <redacted 3 bytes>');
    expect(redactHeader('Authorization', 'Digest username="alice", realm="r", response="6629fae4"')).toBe(
      'Digest <redacted 16 bytes>, realm="r", <redacted 19 bytes>',
    );
  });
});

// Seeded, so that a run on CI explores the same values as a run here; fast-check prints the
// counterexample and the path to it when a property fails.
const SEED = 4559;

/** A list element of a generated header: its text, the secrets in it, the parts to keep. */
interface Piece {
  text: string;
  secrets: string[];
  visible: string[];
}

// Secrets are upper case and digits, everything harmless lower case: a secret's 8-character
// window found in the output can only have come from the secret.
const secretCore = fc.stringMatching(/^[A-Z0-9+/]{10,40}$/);
const secret = fc.tuple(secretCore, fc.constantFrom('', '=', '==')).map(([core, padding]) => core + padding);
// A secret that is a single token (tchar only), so that the scanner can take it for a word.
const wordSecret = fc.stringMatching(/^[A-Z0-9+]{10,40}$/);
const longWordSecret = fc.stringMatching(/^[A-Z0-9+]{33,60}$/);
const scheme = fc.constantFrom('Negotiate', 'negotiate', 'NTLM', 'Basic', 'Bearer', 'Digest', 'Kerberos');
const space = fc.constantFrom('', ' ', '  ', '\t', ' \t ');
const someSpace = fc.constantFrom(' ', '  ', '\t', ' \t');
/** A quoted string of harmless text with commas, quotes and backslashes escaped inside. */
const harmlessQuoted = fc
  .string({ unit: fc.constantFrom(...'abc xyz.-@,;"\\'.split('')), maxLength: 16 })
  .map((text) => `"${text.replace(/["\\]/g, '\\$&')}"`);
const descriptiveParam = fc
  .tuple(fc.constantFrom('realm', 'Realm', 'charset', 'error', 'scope', 'qop'), space, space, harmlessQuoted)
  .map(([name, before, after, value]): Piece => {
    const text = `${name}${before}=${after}${value}`;
    return { text, secrets: [], visible: [text] };
  });
const secretParam = fc
  .tuple(
    fc.constantFrom('nonce', 'response', 'opaque', 'cnonce', 'sig', 'access_token'),
    space,
    secret,
    fc.constantFrom('"', '"a\\"', '"\\\\, ', ''),
  )
  .map(([name, before, value, prefix]): Piece => {
    // Unquoted, the value must be a token: quote it when it holds "/" or "=".
    const quoted = prefix !== '' || /[/=]/.test(value);
    const text = quoted ? `${name}${before}=${prefix === '' ? '"' : prefix}${value}"` : `${name}=${value}`;
    return { text, secrets: [value], visible: [] };
  });

/** A well-formed challenge: a scheme, then nothing, a token68, or auth-params. */
const challenge = fc.oneof(
  scheme.map((name): Piece => ({ text: name, secrets: [], visible: [name] })),
  fc
    .tuple(scheme, someSpace, secret)
    .map(([name, gap, token]): Piece => ({ text: `${name}${gap}${token}`, secrets: [token], visible: [name] })),
  fc
    .tuple(scheme, someSpace, fc.array(fc.oneof(descriptiveParam, secretParam), { minLength: 1, maxLength: 4 }), space)
    .map(([name, gap, params, around]) => ({
      text: `${name}${gap}${params.map((param) => param.text).join(`${around},${around}`)}`,
      secrets: params.flatMap((param) => param.secrets),
      visible: [name, ...params.flatMap((param) => param.visible)],
    })),
);

/** What no parser reads as a token68 or an auth-param, with a secret inside; quotes balanced. */
const junk = fc.oneof(
  fc
    .tuple(secret, fc.constantFrom(' x', ' "q, r"', '=x', ';', '(', '\\\\'))
    .map(([s, tail]) => ({ s, text: s + tail })),
  secret.map((s) => ({ s, text: `"a, ${s}\\", b" c` })),
  secret.map((s) => ({ s, text: `x ${s}` })),
  secret.map((s) => ({ s, text: `${s} ${s}` })),
  secret.map((s) => ({ s, text: `realm="r" ${s}` })),
);

/** A scheme whose credentials do not parse: the scheme stays, the rest is masked. */
const malformedChallenge = fc
  .tuple(scheme, someSpace, junk)
  .map(([name, gap, { s, text }]): Piece => ({ text: `${name}${gap}${text}`, secrets: [s], visible: [name] }));

/** A list element that starts with no scheme, or with a word glued to what no scheme may touch. */
const stray = fc
  .tuple(secret, fc.constantFrom('"', '=', '@', '(', '"a\\"', 'YII/', 'x"'))
  .map(([s, open]): Piece => ({ text: open.endsWith('"') ? `${open}${s}"` : open + s, secrets: [s], visible: [] }));

/** Ends the value: a quoted string that never closes, which swallows everything after it. */
const unterminated = fc
  .tuple(
    scheme,
    someSpace,
    fc.constantFrom(
      (s: string) => `realm="${s}`,
      (s: string) => `nonce="x, ${s}`,
      (s: string) => `realm="\\"${s}`,
      (s: string) => `x \\"${s}`,
      (s: string) => `${s} "`,
      (s: string) => `realm="${s}, Basic realm="r`,
    ),
    secret,
    secret,
  )
  .map(([name, gap, template, s, after]): Piece => ({
    text: `${name}${gap}${template(s)}, Negotiate ${after}`,
    secrets: [s, after],
    visible: [name],
  }));

const separator = fc.tuple(space, fc.constantFrom(',', ',', ', ,', ',,'), space).map((parts) => parts.join(''));

/** A header value: elements joined by commas and whitespace, maybe ended by an unterminated quote. */
function header(elements: fc.Arbitrary<Piece>): fc.Arbitrary<Piece> {
  return fc
    .tuple(
      space,
      fc.array(fc.tuple(separator, elements), { minLength: 1, maxLength: 6 }),
      fc.option(fc.tuple(separator, unterminated), { nil: undefined }),
      space,
    )
    .map(([lead, list, last, trail]) => {
      const all = last === undefined ? list : [...list, last];
      return {
        text: lead + all.map(([sep, piece], i) => (i === 0 ? '' : sep) + piece.text).join('') + trail,
        secrets: all.flatMap(([, piece]) => piece.secrets),
        visible: all.flatMap(([, piece]) => piece.visible),
      };
    });
}

/** Every 8-character window of the secret that the output contains (none, when redaction works). */
function windowsOf(secretText: string, output: string): string[] {
  const found: string[] = [];
  for (let i = 0; i + 8 <= secretText.length; i++) {
    const window = secretText.slice(i, i + 8);
    if (output.includes(window)) found.push(window);
  }
  return found;
}

describe('redaction of generated hostile headers', () => {
  it('never prints any 8 characters of a secret in a challenge header, and keeps schemes and realms', () => {
    fc.assert(
      fc.property(header(fc.oneof(challenge, challenge, malformedChallenge, stray)), ({ text, secrets, visible }) => {
        const output = redactHeader('WWW-Authenticate', text);
        expect(secrets.flatMap((s) => windowsOf(s, output))).toEqual([]);
        for (const part of visible) expect(output).toContain(part);
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it('never prints any 8 characters of a secret in a credentials header', () => {
    const bareSecret = wordSecret.map((s): Piece => ({ text: s, secrets: [s], visible: [] }));
    fc.assert(
      fc.property(header(fc.oneof(challenge, malformedChallenge, stray, bareSecret)), ({ text, secrets }) => {
        const output = redactHeader('Authorization', text);
        expect(secrets.flatMap((s) => windowsOf(s, output))).toEqual([]);
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it('masks a bare word in a challenge header when it is too long for a scheme name', () => {
    fc.assert(
      fc.property(scheme, longWordSecret, separator, (name, s, sep) => {
        const output = redactHeader('Proxy-Authenticate', `${name}${sep}${s}`);
        expect(windowsOf(s, output)).toEqual([]);
        expect(output).toContain(name);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('never prints any 8 characters of a cookie value, and keeps cookie names and attributes', () => {
    const cookieName = fc.constantFrom('gssapi_session', 'hadoop.auth', 'JSESSIONID', 'sid');
    const attribute = fc.constantFrom(
      'Path=/',
      'Secure',
      'HttpOnly',
      'SameSite=Lax',
      'Expires=Sun, 06 Dec 2026 10:00:00 GMT',
    );
    const pair = fc
      .tuple(cookieName, secret, fc.constantFrom('', '"'), fc.constantFrom('', ' '))
      .map(([name, value, quote, gap]) => ({ name, value, text: `${name}=${gap}${quote}${value}${quote}` }));
    fc.assert(
      fc.property(
        fc.array(pair, { minLength: 1, maxLength: 4 }),
        fc.array(attribute, { maxLength: 3 }),
        fc.option(secret, { nil: undefined }),
        (pairs, attributes, bare) => {
          const cookie = redactHeader('Cookie', pairs.map((p) => p.text).join('; '));
          const setCookie = redactHeader(
            'Set-Cookie',
            [pairs[0]?.text, ...attributes, ...(bare === undefined ? [] : [bare])].join('; '),
          );
          const secrets = [...pairs.map((p) => p.value), ...(bare === undefined ? [] : [bare])];
          expect(secrets.flatMap((s) => [...windowsOf(s, cookie), ...windowsOf(s, setCookie)])).toEqual([]);
          for (const p of pairs) expect(cookie).toContain(`${p.name}=`);
          for (const a of attributes) expect(setCookie).toContain(a);
        },
      ),
      { seed: SEED, numRuns: 1000 },
    );
  });

  it('prints a header of schemes and descriptive auth-params as it is', () => {
    const harmless = fc.oneof(
      scheme.map((name): Piece => ({ text: name, secrets: [], visible: [name] })),
      fc.tuple(scheme, someSpace, descriptiveParam).map(([name, gap, param]) => ({
        text: `${name}${gap}${param.text}`,
        secrets: [],
        visible: [],
      })),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(harmless, separator), { minLength: 1, maxLength: 5 }), (list) => {
        const text = list.map(([piece], i) => (i === 0 ? '' : list[i - 1]?.[1]) + piece.text).join('');
        expect(redactAuthValue(text)).toBe(text);
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });

  it('redacts a 4 MiB header of params and malformed parts in one pass (a quadratic scan would take hours)', () => {
    const count = (1 << 22) / 8;
    const value = 'Basic realm="r", ' + 'x=y "z", '.repeat(count) + 'Negotiate ' + 'A'.repeat(1 << 20);
    expect(redactAuthValue(value)).toBe(
      'Basic realm="r", ' + '<redacted 7 bytes>, '.repeat(count) + `Negotiate <redacted ${(1 << 20) * 0.75} bytes>`,
    );
  });
});
