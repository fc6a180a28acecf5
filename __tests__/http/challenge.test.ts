import fc from 'fast-check';
import { parseChallenges } from '../../lib/http/challenge';

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

  it('skips malformed parts up to the next comma and keeps the rest', () => {
    expect(schemes('"junk", =x, Negotiate')).toEqual(['Negotiate']);
    expect(schemes('Basic realm="unterminated')).toEqual(['Basic']);
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
