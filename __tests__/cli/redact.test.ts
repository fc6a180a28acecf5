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
