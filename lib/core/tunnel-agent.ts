import { EventEmitter } from 'node:events';
import type { ClientRequest, OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';
import { isIP, type Socket } from 'node:net';
import tls from 'node:tls';
import type { AgentConnectOpts } from 'agent-base';
import type { InternalAxiosRequestConfig } from 'axios';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { debug } from '../util/debug';
import { KerberosAuthError } from '../errors/kerberos-auth-error';
import { readNegotiate } from '../http/negotiate-challenge';
import type { KerberosRequestOptions } from '../options';
import { requestUrl } from './request-url';
import type { PluginContext } from './context';
import { proxyFor } from './env-proxy';
import { serverTokenProblem, mutualAuthenticationFailed } from './mutual';
import { Negotiation } from './negotiation';
import { planProxy, proxyNotListed, type RequestPlan } from './plan';

/**
 * https: targets through a forward proxy. axios (and Node) open the `CONNECT` tunnel inside
 * the adapter, where no interceptor can see its `407`; for a proxy in `proxies` (or any proxy
 * a request carrying an origin token goes through) the plugin routes the request through its
 * own tunnelling agent instead: `config.httpsAgent` becomes a `KerberosTunnelAgent` for that
 * proxy and `config.proxy` becomes `false`, so axios connects through the agent only.
 *
 * The agent is `https-proxy-agent` (TooTallNate's proxy-agents, on `agent-base`): it writes
 * the CONNECT, parses the proxy's answer, upgrades the tunnel to TLS and pools sockets for
 * keep-alive. Its `connect()` is async and meant to be extended, so the subclass mints a token
 * for each CONNECT, answers a 407 on a fresh connection and checks the proxy's final token.
 */
class KerberosTunnelAgent extends HttpsProxyAgent<string> {
  /** The Proxy-Authorization value for the CONNECT being written; read once, synchronously. */
  #header: string | undefined;

  constructor(
    proxy: URL,
    private readonly ctx: PluginContext,
    /** The proxy leg's plan; `allowed: false` for a proxy outside `proxies` (no token, ever). */
    private readonly plan: RequestPlan,
    tlsOptions: https.AgentOptions,
  ) {
    // The caller's TLS options reach the proxy connection (an https: proxy) as axios passes
    // them; `headers` is read by the parent's connect() before its first await.
    super(proxy.href, { ...tlsOptions, headers: () => this.#takeHeader() });
    // Node merges an agent's `options` into every request's options: that is how the caller's
    // `ca`, `rejectUnauthorized` and client certificate reach the TLS connection to the origin
    // inside the tunnel, and how they become part of the keep-alive pool's key (getName).
    this.options = { ...pickTls(tlsOptions), path: undefined };
  }

  #takeHeader(): OutgoingHttpHeaders {
    const header = this.#header;
    this.#header = undefined;
    return header === undefined ? {} : { 'Proxy-Authorization': header };
  }

  /**
   * Opens one tunnel: a CONNECT with a pre-emptive token (for a listed proxy, unless
   * `preemptive` is off), and for each `407 Negotiate` a new CONNECT on a new connection with
   * the next token (https-proxy-agent closes a connection that got anything but 200, so the
   * request cannot leak onto it), at most `maxRounds` times. A tunnel that opens is checked for
   * the proxy's final token (`proxyMutual`). Any other answer (a 407 Basic, a 403, a 502) is
   * passed on to the request as the proxy sent it.
   */
  override async connect(req: ClientRequest, opts: AgentConnectOpts): Promise<Socket> {
    const { ctx, plan } = this;
    let negotiation: Negotiation | undefined;
    let header: string | undefined;
    if (plan.preemptive) {
      const started = await Negotiation.start(ctx.gss, plan, ctx.pool);
      negotiation = started.negotiation;
      header = `Negotiate ${started.token}`;
    }
    for (;;) {
      // The parent reports the CONNECT's answer, and hooks the replay of a refused one, on
      // the emitter it is given; a stand-in keeps both off the request until we know whether
      // the request gets this connection or a retried one.
      const attempt = new EventEmitter();
      let answer: { statusCode: number; headers: Record<string, string | string[] | undefined> } | undefined;
      attempt.once('proxyConnect', (connect: typeof answer) => (answer = connect));
      // Both are read by the parent's connect() before its first await, so concurrent
      // connects on this agent cannot see each other's token or lookup.
      this.#header = header;
      this.#useLookupOf(opts);
      // The parent upgrades to TLS as soon as the proxy says 200; asked for a plain tunnel
      // instead, the proxy's token is checked first and nothing goes to the origin before.
      const socket = await super.connect(attempt as ClientRequest, { ...opts, secureEndpoint: false });
      const status = answer?.statusCode;
      const challenge = answer?.headers['proxy-authenticate'];
      debug('CONNECT %s:%s via %s: %s', opts.host, opts.port, plan.host, status);
      if (status === 200 && negotiation !== undefined) {
        const problem = await serverTokenProblem(negotiation, challenge);
        if (problem !== undefined) {
          socket.destroy();
          throw mutualAuthenticationFailed(negotiation, problem, 200);
        }
      }
      const offer = status === 407 ? readNegotiate(challenge) : undefined;
      if (offer === undefined || offer.kind === 'absent') {
        forwardListeners(attempt, req);
        return status === 200 && opts.secureEndpoint ? upgradeToTls(socket, opts) : socket;
      }
      socket.destroy();
      if (!plan.allowed) throw proxyNotListed(plan.url);
      if (offer.kind === 'invalid') throw badProxyChallenge(plan, offer.reason);
      if (negotiation !== undefined && negotiation.rounds >= ctx.options.maxRounds) {
        throw negotiation.rejected(`still unauthenticated after ${negotiation.rounds} rounds (maxRounds)`);
      }
      if (negotiation !== undefined && offer.kind === 'offer') {
        throw negotiation.rejected('the proxy answered our token with a new challenge');
      }
      if (negotiation !== undefined && offer.kind === 'token') {
        header = `Negotiate ${await negotiation.continueWith(offer.token)}`;
      } else {
        const started = await Negotiation.start(ctx.gss, plan);
        negotiation = started.negotiation;
        header = `Negotiate ${started.token}`;
      }
      negotiation.rounds++;
    }
  }

  /**
   * axios's `lookup` (and `family`) are request options, meant for the host the request
   * connects to; through a tunnel that is the proxy, so they go to the proxy connection too.
   */
  #useLookupOf(opts: AgentConnectOpts): void {
    const { lookup, family } = opts as { lookup?: unknown; family?: unknown };
    if (lookup === undefined && family === undefined) return;
    this.connectOpts = {
      ...this.connectOpts,
      ...(lookup === undefined ? {} : { lookup }),
      ...(family === undefined ? {} : { family }),
    } as typeof this.connectOpts;
  }
}

/**
 * TLS to the origin inside the tunnel, as https-proxy-agent does it: the request's options
 * (with the caller's TLS options merged in by Node, see the constructor), SNI for a host name.
 */
function upgradeToTls(socket: Socket, opts: AgentConnectOpts): Socket {
  const options: tls.ConnectionOptions & { path?: unknown } = { ...(opts as tls.ConnectionOptions) };
  const host = options.host;
  delete options.host;
  delete options.port;
  delete options.path;
  options.servername ??= host !== undefined && !isIP(host) ? host : undefined;
  if (options.servername === undefined) delete options.servername;
  return tls.connect({ ...options, socket });
}

/** Replays the parent's 'socket' listeners (resume, or the replay of a refused CONNECT) on the request. */
function forwardListeners(from: EventEmitter, to: ClientRequest): void {
  for (const listener of from.listeners('socket')) to.once('socket', listener as (socket: Socket) => void);
}

const TLS_KEYS = [
  'ca',
  'cert',
  'key',
  'pfx',
  'passphrase',
  'rejectUnauthorized',
  'checkServerIdentity',
  'servername',
  'ciphers',
  'ecdhCurve',
  'minVersion',
  'maxVersion',
  'secureOptions',
  'secureProtocol',
  'sessionIdContext',
  'crl',
  'sigalgs',
  'honorCipherOrder',
  'dhparam',
] as const;

function pickTls(options: https.AgentOptions): https.AgentOptions {
  const picked: Record<string, unknown> = {};
  for (const key of TLS_KEYS) {
    if (options[key] !== undefined) picked[key] = options[key];
  }
  return picked;
}

function badProxyChallenge(plan: RequestPlan, reason: string): KerberosAuthError {
  return new KerberosAuthError(
    'ERR_KERBEROS_BAD_CHALLENGE',
    `The proxy ${plan.host} sent an unusable Proxy-Authenticate header (SPN ${plan.spn}): ${reason}.`,
    {
      spn: plan.spn,
      host: plan.host,
      fix: 'this is a proxy-side problem (or something between you and the proxy is rewriting headers); check the proxy',
    },
  );
}

// ------------------------------------------------------------------ wiring helpers ---

/** Tunnel agents per caller agent (or none), then per proxy and proxy-leg settings. */
const agentsByContext = new WeakMap<PluginContext, WeakMap<object, Map<string, KerberosTunnelAgent>>>();
const NO_AGENT = {};

/**
 * For an https: target through a forward proxy: routes the request through a
 * `KerberosTunnelAgent` when the proxy is in `proxies` (its CONNECT then carries a token).
 * Leaves the request alone when the proxy is not listed (axios tunnels it), when the caller
 * brings its own tunnelling agent (one with a `proxy`), authenticates to the proxy with
 * `proxy.auth` on a listed proxy, or the target is not https. Called for every send but a
 * re-send, each hop from the caller's own `proxy` and `httpsAgent` (`callerRoute`).
 * @returns true when the request now goes through the plugin's tunnel.
 */
export function routeThroughTunnel(
  ctx: PluginContext,
  config: InternalAxiosRequestConfig,
  requestOptions: KerberosRequestOptions,
  target = requestUrl(config),
): boolean {
  // Only a proxy in `proxies` needs our tunnel (see below): without the option, no proxy lookup.
  if (ctx.options.proxies === undefined || target?.protocol !== 'https:') return false;
  const proxy = proxyFor(config, target);
  if (proxy === undefined) return false;
  const callerAgent = config.httpsAgent as (https.Agent & { proxy?: unknown }) | undefined;
  if (callerAgent !== undefined && callerAgent !== null && callerAgent.proxy !== undefined) return false;
  const plan = planProxy(ctx.options, requestOptions, proxy, ctx.platform);
  const basic = basicCredentials(config, proxy);
  // Only a proxy in `proxies` needs our tunnel. Through any other proxy axios opens the tunnel
  // itself (since 1.16.1 always for https: targets), and an origin token travels inside TLS,
  // where the proxy cannot read it; a 407 Negotiate to that CONNECT gets the typed error.
  if (!plan.allowed) return false;
  // The caller authenticates to the proxy itself (Basic): keep its credentials, send no token.
  const proxyPlan = basic === undefined ? plan : { ...plan, allowed: false, preemptive: false };
  const proxyHref = new URL(proxy.href);
  if (basic !== undefined) {
    proxyHref.username = encodeURIComponent(basic.username);
    proxyHref.password = encodeURIComponent(basic.password);
  }
  config.httpsAgent = tunnelAgent(ctx, callerAgent ?? undefined, proxyHref, proxyPlan);
  config.proxy = false;
  debug("request to %s: through the plugin's CONNECT tunnel via %s", target.origin, plan.host);
  return true;
}

function basicCredentials(
  config: InternalAxiosRequestConfig,
  proxy: URL,
): { username: string; password: string } | undefined {
  if (config.proxy !== undefined && config.proxy !== false && config.proxy.auth !== undefined) {
    return config.proxy.auth;
  }
  if (proxy.username !== '') {
    return { username: decodeURIComponent(proxy.username), password: decodeURIComponent(proxy.password) };
  }
  return undefined;
}

/**
 * One agent per caller agent, proxy and proxy-leg settings, kept for the life of both, so
 * that keep-alive tunnels are reused by the requests that opened them under the same rules.
 */
function tunnelAgent(
  ctx: PluginContext,
  callerAgent: https.Agent | undefined,
  proxy: URL,
  plan: RequestPlan,
): KerberosTunnelAgent {
  let byAgent = agentsByContext.get(ctx);
  if (byAgent === undefined) agentsByContext.set(ctx, (byAgent = new WeakMap()));
  const owner = callerAgent ?? NO_AGENT;
  let agents = byAgent.get(owner);
  if (agents === undefined) {
    byAgent.set(owner, (agents = new Map<string, KerberosTunnelAgent>()));
    if (callerAgent !== undefined) closeWith(callerAgent, agents);
  }
  const key = `${proxy.href} ${plan.allowed} ${plan.preemptive} ${plan.mutual}`;
  let agent = agents.get(key);
  if (agent === undefined) {
    // Without an agent of its own the request would have used https.globalAgent: its options
    // (keep-alive in Node 19 and later) apply to the tunnelled connection in the same way.
    const options = (callerAgent ?? https.globalAgent).options;
    agent = new KerberosTunnelAgent(proxy, ctx, plan, options);
    agents.set(key, agent);
  }
  return agent;
}

/**
 * The tunnels' sockets belong to the plugin's agents, out of the caller's reach: destroying
 * the caller's agent (what a caller does to close its keep-alive connections) closes them too.
 */
function closeWith(callerAgent: https.Agent, agents: Map<string, KerberosTunnelAgent>): void {
  const destroy = callerAgent.destroy.bind(callerAgent);
  callerAgent.destroy = () => {
    for (const agent of agents.values()) agent.destroy();
    agents.clear();
    destroy();
  };
}
