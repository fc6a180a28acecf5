import { MAX_TOKEN_LENGTH, readNegotiate } from '../../lib/http/negotiate-challenge';

describe('readNegotiate', () => {
  it('says absent when no Negotiate challenge is offered', () => {
    expect(readNegotiate('Basic realm="x"')).toEqual({ kind: 'absent' });
    expect(readNegotiate(undefined)).toEqual({ kind: 'absent' });
    expect(readNegotiate(42)).toEqual({ kind: 'absent' });
  });

  it('says offer for a bare Negotiate, in any case', () => {
    expect(readNegotiate('NEGOTIATE')).toEqual({ kind: 'offer' });
    expect(readNegotiate('Basic realm="x", negotiate')).toEqual({ kind: 'offer' });
  });

  it('returns the token of `Negotiate <token>`', () => {
    expect(readNegotiate('Negotiate oRQwEqADCgEAoQsGCSqGSIb3EgECAg==')).toEqual({
      kind: 'token',
      token: 'oRQwEqADCgEAoQsGCSqGSIb3EgECAg==',
    });
  });

  it('accepts the same token twice but refuses two different tokens', () => {
    expect(readNegotiate(['Negotiate AAAA', 'Negotiate AAAA'])).toEqual({ kind: 'token', token: 'AAAA' });
    expect(readNegotiate('Negotiate AAAA, Negotiate BBBB').kind).toBe('invalid');
  });

  it('refuses tokens that are not base64, badly padded or too long', () => {
    expect(readNegotiate('Negotiate abc').kind).toBe('invalid');
    expect(readNegotiate('Negotiate a=bc').kind).toBe('invalid');
    expect(readNegotiate(`Negotiate ${'A'.repeat(MAX_TOKEN_LENGTH + 4)}`).kind).toBe('invalid');
  });

  it('refuses a Negotiate challenge with parameters instead of a token', () => {
    expect(readNegotiate('Negotiate realm="x"').kind).toBe('invalid');
  });

  it('refuses a malformed Negotiate challenge, alone or beside others', () => {
    expect(readNegotiate('Negotiate @@@').kind).toBe('invalid');
    expect(readNegotiate('Negotiate @@@, Basic realm="x"')).toEqual({
      kind: 'invalid',
      reason: 'the Negotiate challenge is malformed',
    });
    expect(readNegotiate('Negotiate oRQw EqAD, NTLM').kind).toBe('invalid');
    expect(readNegotiate('Basic realm="x" y, Negotiate').kind).toBe('offer');
  });

  it('never echoes the header in the reason', () => {
    const result = readNegotiate('Negotiate SECRET-TOKEN-!!');
    expect(JSON.stringify(result)).not.toContain('SECRET');
  });
});
