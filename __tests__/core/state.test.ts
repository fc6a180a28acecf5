import axios, { AxiosHeaders, type InternalAxiosRequestConfig } from 'axios';
import { DEFAULT_MAX_REDIRECTS, Exchange, RequestState, setState, stateOf } from '../../lib/core/state';

function config(extra: Partial<InternalAxiosRequestConfig> = {}): InternalAxiosRequestConfig {
  return { url: 'http://h.example/x', headers: new AxiosHeaders(), ...extra };
}

describe('the per-request state', () => {
  it("reads the caller's redirect settings and timeout once, as own properties", () => {
    const hook = () => undefined;
    const exchange = new Exchange(config({ maxRedirects: 3, beforeRedirect: hook, timeout: 900 }));
    expect(exchange).toMatchObject({ maxRedirects: 3, beforeRedirect: hook, timeout: 900, redirects: 0 });
    expect(exchange.url?.href).toBe('http://h.example/x');
    const inherited = Object.create({ maxRedirects: 0, timeout: 5 }) as InternalAxiosRequestConfig;
    Object.assign(inherited, config());
    expect(new Exchange(inherited)).toMatchObject({ maxRedirects: DEFAULT_MAX_REDIRECTS, timeout: 0 });
  });

  it('hands out how a config of ours is to be sent once; a second pass is someone else’s retry', () => {
    const state = new RequestState(new Exchange(config()), 'resend');
    expect(state.claim()).toBe('resend');
    expect(state.claim()).toBeUndefined();
  });

  it('survives axios’s mergeConfig by reference, and is read from the config’s own key only', () => {
    const target = config();
    const state = setState(target, new RequestState(new Exchange(target)));
    const merged = axios.create().defaults;
    expect(stateOf({ ...merged, ...target } as InternalAxiosRequestConfig)).toBe(state);
    const child = Object.create(target) as InternalAxiosRequestConfig;
    expect(stateOf(child)).toBeUndefined();
    expect(stateOf(undefined)).toBeUndefined();
  });
});
