import axios from 'axios';
import { isKerberosAuthError, kerberosAuth } from '../../lib';
import { realm } from './helpers/realm';

// In a file of its own so that its 6 s wait runs beside the other files, not after them.
describe('clock skew', () => {
  it('ERR_KERBEROS_CLOCK_SKEW when the token reaches the server outside the clock-skew window', async () => {
    // The realm allows 5 s of skew. An interceptor that runs after ours holds the request
    // for 6 s, so the authenticator's timestamp is 6 s old when Apache checks it: the
    // same KRB_AP_ERR_SKEW a client with a wrong clock gets, sent back as a KRB-ERROR token.
    const api = axios.create({ baseURL: realm.url });
    api.interceptors.request.use(async (config) => {
      await new Promise((resolve) => setTimeout(resolve, 6000));
      return config;
    });
    kerberosAuth({ hosts: 'localhost' }).install(api);
    const error: unknown = await api.get('/negotiate/').catch((e: unknown) => e);
    expect(isKerberosAuthError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'ERR_KERBEROS_CLOCK_SKEW' });
    expect((error as Error).message).toMatch(/clock/i);
    // The server's KRB-ERROR reported it: its clock is the one to check, not the KDC's.
    expect((error as { fix?: string }).fix).toMatch(/^the server's clock/);
  }, 20000);
});
