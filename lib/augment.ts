import type { KerberosRequestOptions } from './options';

// Types the per-request `kerberos` key on every axios request config.
declare module 'axios' {
  // The type parameter must match axios's own declaration for the interfaces to merge.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any, @typescript-eslint/no-unused-vars
  interface AxiosRequestConfig<D = any> {
    /**
     * axios-kerberos for this request: `false` skips the plugin; an object overrides
     * `spn`, `mutual`, `delegate`, `preemptive`, `proxyMutual` or `session`.
     */
    kerberos?: false | KerberosRequestOptions;
  }
}
