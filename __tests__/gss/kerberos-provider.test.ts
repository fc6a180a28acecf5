import { kerberosProvider, NativeContext } from '../../lib/gss/kerberos-provider';

function fakeModule() {
  const calls: { spn: string; options: Record<string, unknown> }[] = [];
  const module = {
    GSS_C_DELEG_FLAG: 1,
    GSS_C_MUTUAL_FLAG: 2,
    GSS_C_SEQUENCE_FLAG: 8,
    GSS_MECH_OID_KRB5: 9,
    GSS_MECH_OID_SPNEGO: 6,
    initializeClient: (spn: string, options: Record<string, unknown>) => {
      calls.push({ spn, options });
      return Promise.resolve({ contextComplete: false, step: () => Promise.resolve('dG9r') } as never);
    },
  };
  return { module, calls };
}

describe('kerberosProvider', () => {
  it("passes GSS flags as `flags`, the name the native code reads (its typings say 'gssFlag')", async () => {
    const { module, calls } = fakeModule();
    await kerberosProvider('linux', () => module as never).createContext('HTTP@h', {
      principal: 'alice@R',
      delegate: true,
      mutual: true,
      mechanism: 'spnego',
    });
    expect(calls[0]).toEqual({ spn: 'HTTP@h', options: { flags: 1 | 2 | 8, mechOID: 6, principal: 'alice@R' } });
  });

  it('asks for raw krb5 with the krb5 OID and leaves mutual and delegation out when not wanted', async () => {
    const { module, calls } = fakeModule();
    await kerberosProvider('linux', () => module as never).createContext('HTTP@h', {
      principal: undefined,
      delegate: false,
      mutual: false,
      mechanism: 'kerberos',
    });
    expect(calls[0]?.options).toEqual({ flags: 8, mechOID: 9 });
  });

  it('turns a native module that cannot load into ERR_KERBEROS_NATIVE_UNAVAILABLE that shows the loader cause and names the runtime library', async () => {
    let isolated: { kerberosProvider: typeof kerberosProvider } | undefined;
    jest.isolateModules(() => {
      jest.doMock('kerberos', () => {
        throw new Error('libgssapi_krb5.so.2: cannot open shared object file');
      });
      isolated = jest.requireActual('../../lib/gss/kerberos-provider');
    });
    const options = { principal: undefined, delegate: false, mutual: true, mechanism: 'spnego' as const };
    const error: unknown = await isolated!
      .kerberosProvider('linux')
      .createContext('HTTP@h', options)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_KERBEROS_NATIVE_UNAVAILABLE' });
    expect((error as Error).message).toMatch(
      /could not be loaded: libgssapi_krb5\.so\.2: cannot open shared object file\. Fix:/,
    );
    expect((error as Error).message).toMatch(/runtime library \(Debian\/Ubuntu: libgssapi-krb5-2/);
    expect((error as Error).message).toMatch(/libkrb5-dev/);
    expect(((error as Error).cause as Error).message).toMatch(/cannot open shared object/);
  });
});

describe('NativeContext', () => {
  it('maps an empty or null native step result to null', async () => {
    // kerberos 7.0.0 types the result as a string but resolves null when GSS produced no token;
    // an empty string carries no token either.
    for (const nothing of ['', null as unknown as string]) {
      const client = { contextComplete: false, step: () => Promise.resolve(nothing) };
      expect(await new NativeContext(client, false).step('')).toBeNull();
    }
  });

  it('trusts contextComplete on GSS-API (Linux, macOS)', () => {
    const client = { contextComplete: true, step: () => Promise.resolve('') };
    expect(new NativeContext(client, false).complete).toBe(true);
  });

  it('on SSPI, counts a mutual context complete only after a server token stepped without error', async () => {
    // SSPI reports contextComplete after the first step, before the server has proved itself.
    const client = { contextComplete: true, step: () => Promise.resolve('dG9r') };
    const context = new NativeContext(client, true);
    await context.step('');
    expect(context.complete).toBe(false);
    await context.step('c2VydmVy');
    expect(context.complete).toBe(true);
  });
});
