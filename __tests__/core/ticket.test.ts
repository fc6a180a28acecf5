import { negotiateWith } from '../../lib/core/ticket';
import { FakeGss, decodeToken, encodeToken } from '../helpers/fake-gss';
import { kerberosAuthErrorOf } from '../helpers/security';

describe('negotiate() for any HTTP client', () => {
  it('mints an Authorization value for the SPN of a URL', async () => {
    const ticket = await negotiateWith(new FakeGss(), 'https://API.example.com:8443/x', {}, 'linux');
    expect(ticket.spn).toBe('HTTP@api.example.com');
    expect(ticket.header).toMatch(/^Negotiate /);
    expect(decodeToken(ticket.header.slice(10))).toMatchObject({ kind: 'init', spn: 'HTTP@api.example.com' });
  });

  it('accepts an SPN in either form', async () => {
    expect((await negotiateWith(new FakeGss(), 'HTTP/h.example', {}, 'linux')).spn).toBe('HTTP@h.example');
    expect((await negotiateWith(new FakeGss(), 'HTTP@h.example', {}, 'win32')).spn).toBe('HTTP/h.example');
  });

  it('verifies the reply once; a second verify throws', async () => {
    const gss = new FakeGss();
    const ticket = await negotiateWith(gss, 'HTTP@h.example', {}, 'linux');
    const reply = `Negotiate ${encodeToken({ kind: 'final', id: 1, spn: 'HTTP@h.example' })}`;
    await expect(ticket.verify(reply)).resolves.toBeUndefined();
    expect(gss.contexts[0]!.complete).toBe(true);
    await expect(ticket.verify(reply)).rejects.toMatchObject({ code: 'ERR_KERBEROS_MUTUAL_AUTH' });
  });

  it('throws a typed error for a reply without a Negotiate token, or with a forged one', async () => {
    const missing = await negotiateWith(new FakeGss(), 'HTTP@h.example', {}, 'linux');
    await expect(missing.verify('Basic realm="x"')).rejects.toMatchObject({ code: 'ERR_KERBEROS_MUTUAL_AUTH' });
    const forged = await negotiateWith(new FakeGss(), 'HTTP@h.example', {}, 'linux');
    await expect(forged.verify(`Negotiate ${encodeToken({ kind: 'final', id: 99, spn: 'x' })}`)).rejects.toMatchObject({
      name: 'MutualAuthenticationError',
    });
  });

  it('validates its options and target', async () => {
    await expect(negotiateWith(new FakeGss(), 'not a target')).rejects.toMatchObject({ code: 'ERR_KERBEROS_OPTIONS' });
    await expect(negotiateWith(new FakeGss(), 'HTTP@h', { mutual: 'no' as never })).rejects.toThrow(/`mutual`/);
    await expect(negotiateWith(new FakeGss(), 'HTTP@h', { delegate: 'yes' as never })).rejects.toThrow(/`delegate`/);
    await expect(negotiateWith(new FakeGss(), 'HTTP@h', { hosts: 'h' } as never)).rejects.toThrow(/`hosts`.*negotiate/);
  });

  it('asks for delegation only when told to', async () => {
    const gss = new FakeGss();
    await negotiateWith(gss, 'HTTP@h', {}, 'linux');
    await negotiateWith(gss, 'HTTP@h', { delegate: true }, 'linux');
    expect(gss.contexts.map((c) => c.options.delegate)).toEqual([false, true]);
  });
});

describe('negotiate() options', () => {
  it("accepts a reply without a token under mutual: 'optional', once", async () => {
    const ticket = await negotiateWith(new FakeGss(), 'HTTP@h.example', { mutual: 'optional' }, 'linux');
    await expect(ticket.verify(null)).resolves.toBeUndefined();
    await expect(ticket.verify(null)).rejects.toMatchObject({ code: 'ERR_KERBEROS_MUTUAL_AUTH' });
  });

  it('adds the port to the SPN with includePort', async () => {
    const ticket = await negotiateWith(new FakeGss(), 'http://h.example:8080/', { includePort: true }, 'linux');
    expect(ticket.spn).toBe('HTTP@h.example:8080');
  });
});

describe('negotiate() input, checked before any GSS work', () => {
  it.each([
    ['a number', 42],
    ['null', null],
    ['an object', {}],
    ['a file: URL', 'file:///etc/passwd'],
    ['a file: URL object', new URL('file:///x')],
    ['a mailto: URL', 'mailto:alice@example.com'],
    ['a malformed URL', 'http://'],
    ['a bare word', 'nohost'],
  ])('refuses %s with ERR_KERBEROS_OPTIONS', async (_what, target) => {
    const gss = new FakeGss();
    const error = await kerberosAuthErrorOf(negotiateWith(gss, target as string, {}, 'linux'));
    expect(error.code).toBe('ERR_KERBEROS_OPTIONS');
    expect(error.message).toContain('`target`');
    expect(gss.contexts).toHaveLength(0);
  });

  it('refuses a principal with a realm and names the host-based form to write instead', async () => {
    const error = await kerberosAuthErrorOf(negotiateWith(new FakeGss(), 'HTTP/h.example@EXAMPLE.COM', {}, 'linux'));
    expect(error.code).toBe('ERR_KERBEROS_OPTIONS');
    expect(error.message).toContain("'HTTP@h.example'");
  });

  it('refuses options that are not an object', async () => {
    await expect(negotiateWith(new FakeGss(), 'HTTP@h.example', null as never, 'linux')).rejects.toMatchObject({
      code: 'ERR_KERBEROS_OPTIONS',
    });
  });

  it('reads options as own properties only (a polluted Object.prototype changes nothing)', async () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto.delegate = true;
    proto.mutual = 'disabled';
    try {
      const gss = new FakeGss();
      await negotiateWith(gss, 'HTTP@h.example', {}, 'linux');
      expect(gss.contexts[0]!.options).toMatchObject({ delegate: false, mutual: true });
    } finally {
      delete proto.delegate;
      delete proto.mutual;
    }
  });
});
