import fc from 'fast-check';
import { parseChallenges, scanAuthHeader, scanAuthParams, type AuthElement, type Span } from '../../lib/http/challenge';

const schemes = (header: string | string[]) => parseChallenges(header).map((c) => c.scheme);

describe('parseChallenges (RFC 7235 section 4.1)', () => {
  it('reads a bare scheme', () => {
    expect(parseChallenges('Negotiate')).toEqual([{ scheme: 'Negotiate', params: {} }]);
  });

  it('reads a token68 after the scheme, padding included', () => {
    expect(parseChallenges('Negotiate YIIB+/9a==')[0]).toMatchObject({ scheme: 'Negotiate', token68: 'YIIB+/9a==' });
  });

  it('reads auth-params with tokens and quoted strings', () => {
    const [challenge] = parseChallenges('Basic realm="Intranet, Berlin", charset=UTF-8');
    expect(challenge?.params).toEqual({ realm: 'Intranet, Berlin', charset: 'UTF-8' });
  });

  it('splits several challenges in one value without splitting inside quotes', () => {
    expect(schemes('Basic realm="a, Negotiate b", Negotiate, Bearer error="x,y"')).toEqual([
      'Basic',
      'Negotiate',
      'Bearer',
    ]);
  });

  it('reads repeated header lines joined by Node with ", "', () => {
    expect(schemes('Negotiate, Basic realm="x"')).toEqual(['Negotiate', 'Basic']);
  });

  it('accepts an array of header values', () => {
    expect(schemes(['Negotiate abc=', 'NTLM'])).toEqual(['Negotiate', 'NTLM']);
  });

  it('keeps the scheme as written, for case-insensitive comparison', () => {
    expect(schemes('nEgOtIaTe')).toEqual(['nEgOtIaTe']);
  });

  it('tolerates extra whitespace and empty list elements', () => {
    expect(parseChallenges(' ,  Negotiate   dG9r ,, Basic  realm = "r" ')).toEqual([
      { scheme: 'Negotiate', token68: 'dG9r', params: {} },
      { scheme: 'Basic', params: { realm: 'r' } },
    ]);
  });

  it('unescapes quoted-pairs in quoted strings', () => {
    expect(parseChallenges('Basic realm="a \\"b\\" \\\\ c"')[0]?.params.realm).toBe('a "b" \\ c');
  });

  it('lower-cases parameter names and ignores prototype-polluting names', () => {
    const [challenge] = parseChallenges('Basic REALM=x, __proto__=y');
    expect(challenge?.params.realm).toBe('x');
    expect(Object.getPrototypeOf(challenge?.params)).toBeNull();
    expect(({} as Record<string, unknown>).y).toBeUndefined();
  });

  it('marks a challenge that had a malformed part', () => {
    expect(parseChallenges('Negotiate abc def, NTLM')).toEqual([
      { scheme: 'Negotiate', params: {}, malformed: true },
      { scheme: 'NTLM', params: {} },
    ]);
  });

  it('skips malformed parts up to the next comma and keeps the rest', () => {
    expect(schemes('"junk", =x, Negotiate')).toEqual(['Negotiate']);
    expect(schemes('Basic realm="unterminated')).toEqual(['Basic']);
  });

  it('takes nothing after a parameter value but a comma, and no new scheme from it', () => {
    expect(parseChallenges('Basic realm=x y, charset=UTF-8, Negotiate')).toEqual([
      { scheme: 'Basic', params: { charset: 'UTF-8' }, malformed: true },
      { scheme: 'Negotiate', params: {} },
    ]);
    expect(parseChallenges('Bearer realm="r", scope="a b" junk')).toEqual([
      { scheme: 'Bearer', params: { realm: 'r' }, malformed: true },
    ]);
  });

  it('returns nothing for undefined, null or empty input', () => {
    expect(parseChallenges(undefined)).toEqual([]);
    expect(parseChallenges(null)).toEqual([]);
    expect(parseChallenges('')).toEqual([]);
  });

  it('never throws and returns well-formed challenges for any string', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (input) => {
        const result = parseChallenges(input);
        for (const challenge of result) {
          expect(challenge.scheme).toMatch(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/);
          expect(typeof challenge.params).toBe('object');
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips any generated list of challenges', () => {
    const token = fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,8}$/);
    const challenge = fc.record({
      scheme: token,
      token68: fc.option(fc.stringMatching(/^[A-Za-z0-9+/]{1,20}={0,2}$/), { nil: undefined }),
      realm: fc.option(
        fc.string({ maxLength: 20 }).map((s) => [...s].filter((c) => c >= ' ' && c !== '\u007f').join('')),
        { nil: undefined },
      ),
    });
    fc.assert(
      fc.property(fc.array(challenge, { minLength: 1, maxLength: 5 }), (list) => {
        const text = list
          .map((c) =>
            c.token68 !== undefined
              ? `${c.scheme} ${c.token68}`
              : c.realm !== undefined
                ? `${c.scheme} realm="${c.realm.replace(/["\\]/g, '\\$&')}"`
                : c.scheme,
          )
          .join(', ');
        const parsed = parseChallenges(text);
        expect(parsed.map((c) => c.scheme)).toEqual(list.map((c) => c.scheme));
        list.forEach((c, i) => {
          if (c.token68 !== undefined) expect(parsed[i]?.token68).toBe(c.token68);
          else if (c.realm !== undefined) expect(parsed[i]?.params.realm).toBe(c.realm);
        });
      }),
      { numRuns: 1000 },
    );
  });

  it('parses a 4 MiB header well within the test timeout (a quadratic scan would take hours)', () => {
    const size = 1 << 22;
    const header = 'Basic realm="' + 'a,'.repeat(size / 2) + '", Negotiate ' + 'A'.repeat(size);
    const challenges = parseChallenges(header);
    expect(challenges.map((c) => c.scheme)).toEqual(['Basic', 'Negotiate']);
    expect(challenges[0]?.params.realm).toHaveLength(size);
    expect(challenges[1]?.token68).toHaveLength(size);
  });
});

/** Each reported part as text, for readable expectations. */
function parts(value: string): unknown[] {
  const text = (span: Span | undefined) => (span === undefined ? undefined : value.slice(span.start, span.end));
  return scanAuthHeader(value).map((element) =>
    element.kind === 'malformed'
      ? { malformed: text(element.span) }
      : {
          scheme: text(element.scheme),
          ...(element.token68 && { token68: text(element.token68) }),
          ...(element.params.length > 0 && {
            params: element.params.map((param) => [text(param.name), text(param.value)]),
          }),
          ...(element.malformed.length > 0 && { malformed: element.malformed.map(text) }),
        },
  );
}

/** Every span of an element, in the order they appear in the value. */
function spansOf(element: AuthElement): Span[] {
  if (element.kind === 'malformed') return [element.span];
  return [
    element.scheme,
    ...(element.token68 ? [element.token68] : []),
    ...element.params.flatMap((param) => [param.name, param.value]),
    ...element.malformed,
  ].sort((a, b) => a.start - b.start);
}

describe('scanAuthHeader (where each part of the value sits)', () => {
  it('reports the scheme, token68 and auth-params with their raw text', () => {
    expect(parts('Negotiate YIIB+/9a==, Basic realm = "a \\"b\\", c", charset=UTF-8')).toEqual([
      { scheme: 'Negotiate', token68: 'YIIB+/9a==' },
      {
        scheme: 'Basic',
        params: [
          ['realm', '"a \\"b\\", c"'],
          ['charset', 'UTF-8'],
        ],
      },
    ]);
  });

  it('reports what follows a scheme and fits no form as malformed, up to the next comma outside quotes', () => {
    expect(parts('Basic a b, realm="r", NTLM')).toEqual([
      { scheme: 'Basic', params: [['realm', '"r"']], malformed: ['a b'] },
      { scheme: 'NTLM' },
    ]);
    expect(parts('Negotiate abc def, NTLM')).toEqual([
      { scheme: 'Negotiate', malformed: ['abc def'] },
      { scheme: 'NTLM' },
    ]);
    expect(parts('Negotiate "a, b" c , Basic')).toEqual([
      { scheme: 'Negotiate', malformed: ['"a, b" c'] },
      { scheme: 'Basic' },
    ]);
    expect(parts('Basic realm="r", nonce="x" y, Bearer')).toEqual([
      { scheme: 'Basic', params: [['realm', '"r"']], malformed: ['nonce="x" y'] },
      { scheme: 'Bearer' },
    ]);
  });

  it('reports an unterminated quoted string as malformed to the end of the value', () => {
    expect(parts('Basic realm="r, Negotiate abc')).toEqual([
      { scheme: 'Basic', malformed: ['realm="r, Negotiate abc'] },
    ]);
    expect(parts('Basic realm="r\\"')).toEqual([{ scheme: 'Basic', malformed: ['realm="r\\"'] }]);
  });

  it('reports list elements that start with no scheme, or with a word glued to what cannot follow a scheme', () => {
    expect(parts('"YIIG", =abc, @x y, YII+a/b, Negotiate"x", Negotiate')).toEqual([
      { malformed: '"YIIG"' },
      { malformed: '=abc' },
      { malformed: '@x y' },
      { malformed: 'YII+a/b' },
      { malformed: 'Negotiate"x"' },
      { scheme: 'Negotiate' },
    ]);
  });

  it('leaves only whitespace, list commas and the = of auth-params outside the reported parts', () => {
    const hostile = fc.string({
      unit: fc.constantFrom(...'Negotiate NTLM realm="x\\", =YII+/==\t,@;'.split('')),
      maxLength: 60,
    });
    fc.assert(
      fc.property(fc.oneof(hostile, fc.string({ maxLength: 60 })), (value) => {
        const covered = new Array<boolean>(value.length).fill(false);
        let previousEnd = 0;
        for (const element of scanAuthHeader(value)) {
          for (const span of spansOf(element)) {
            expect(span.start).toBeGreaterThanOrEqual(previousEnd);
            expect(span.end).toBeGreaterThanOrEqual(span.start);
            covered.fill(true, span.start, span.end);
            previousEnd = span.end;
          }
          if (element.kind === 'challenge')
            for (const param of element.params)
              expect(value.slice(param.name.end, param.value.start)).toMatch(/^[ \t]*=[ \t]*$/);
        }
        const outside = [...value].filter((_, i) => !covered[i]).join('');
        expect(outside).toMatch(/^[ \t,=]*$/);
      }),
      { seed: 7235, numRuns: 3000 },
    );
  });
});

describe('scanAuthParams (Authentication-Info)', () => {
  it('reports auth-params with no scheme, and what stands among them but is none', () => {
    const value = 'rspauth="abc", junk here, qop=auth, "x", nc=00000001';
    const { params, malformed } = scanAuthParams(value);
    const text = (span: Span) => value.slice(span.start, span.end);
    expect(params.map((param) => [text(param.name), text(param.value)])).toEqual([
      ['rspauth', '"abc"'],
      ['qop', 'auth'],
      ['nc', '00000001'],
    ]);
    expect(malformed.map(text)).toEqual(['junk here', '"x"']);
  });
});
