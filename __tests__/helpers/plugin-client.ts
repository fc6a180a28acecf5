import axios, { type AxiosAdapter } from 'axios';
import { createPlugin } from '../../lib/interceptors/install';
import { resolveOptions, type KerberosAuthOptions } from '../../lib/options';
import { FakeGss } from './fake-gss';
import { startServer, type Handler, type TestServer } from './server';
import { guardEachTest } from './security';

/**
 * The frame of a test file that drives the plugin, with the fake GSS provider, against real
 * servers (call it at the top level). `serve` starts a recording server that is closed after
 * the test; `client` installs the plugin on an axios instance whose baseURL is the server the
 * test started last. Every test also fails if a promise rejection went unhandled meanwhile.
 */
export function pluginTestFile() {
  const { rejections, track } = guardEachTest();
  let latest: TestServer | undefined;
  afterEach(() => {
    latest = undefined;
  });
  return {
    rejections,
    serve: async (handler: Handler, host?: string): Promise<TestServer> => {
      latest = track(await startServer(handler, host));
      return latest;
    },
    client: (options: KerberosAuthOptions, gss = new FakeGss()) => {
      // Counts requests as they leave the client (handed to axios's adapter), so a test can
      // check that nothing more is sent without waiting for a server that might yet hear it.
      const sent = { count: 0 };
      const send = axios.getAdapter(axios.defaults.adapter);
      const adapter: AxiosAdapter = (config) => {
        sent.count++;
        return send(config);
      };
      const api = axios.create({ baseURL: latest?.url, adapter });
      createPlugin(resolveOptions(options), gss).install(api);
      return { api, gss, sent };
    },
  };
}
