import { AxiosHeaders, type InternalAxiosRequestConfig } from 'axios';

// The axios request config as the plugin reads and writes it: the caller's own values only,
// and headers of whichever copy of axios made the config.

/**
 * A config value the caller set on the config itself, never one inherited through the
 * prototype chain (a polluted `Object.prototype.kerberos` must not switch the plugin off).
 */
export function own<K extends keyof InternalAxiosRequestConfig>(
  config: InternalAxiosRequestConfig,
  key: K,
): InternalAxiosRequestConfig[K] | undefined {
  return Object.hasOwn(config, key) ? config[key] : undefined;
}

/**
 * The config's headers when they are an AxiosHeaders, of this copy of axios or another: an
 * instance made by axios's ES module build (beside this CommonJS code) or by a second
 * installed copy carries headers of a class this code never sees, so `instanceof` misses them.
 */
export function headersOf(config: InternalAxiosRequestConfig | undefined): AnyAxiosHeaders | undefined {
  const headers = config?.headers as Partial<AnyAxiosHeaders> | undefined;
  return typeof headers?.has === 'function' && typeof headers.set === 'function' && typeof headers.delete === 'function'
    ? (headers as AnyAxiosHeaders)
    : undefined;
}

/**
 * New headers for a request the plugin sends after `config` (a re-send, a redirect hop), of
 * the AxiosHeaders class of the axios copy that sent `config`. An instance of another copy
 * does not recognise our class when it merges a config: axios 1.16.1 then sends a header named
 * "0" holding a function's source.
 */
export function headersFor(config: InternalAxiosRequestConfig, init: unknown = config.headers): AnyAxiosHeaders {
  const Class = (headersOf(config)?.constructor ?? AxiosHeaders) as typeof AxiosHeaders;
  return new Class(init as ConstructorParameters<typeof AxiosHeaders>[0]);
}

/** An AxiosHeaders instance, of whichever copy of axios. */
export type AnyAxiosHeaders = InstanceType<typeof AxiosHeaders>;
