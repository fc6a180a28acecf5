import { promises as dns } from 'node:dns';
import { performance } from 'node:perf_hooks';
import { defaultMutual } from '../../core/plan';
import type { CnameResolver } from '../../core/spn-resolver';
import { kerberosProvider } from '../../gss/kerberos-provider';
import { limitGss } from '../../gss/limits';
import type { GssProvider } from '../../gss/provider';
import type { CliAuthOptions } from '../auth-options';
import { RequestCounter, createHttpClient, createKerberosClient } from '../http-client';
import { type Run, runKlist, runProgram } from '../klist';
import { type ConfigFs, loadKrb5Config, nodeConfigFs } from '../krb5-conf-files';
import type { Krb5Conf } from '../krb5-conf';
import { checkAuthenticatedRequest } from './authenticated-request';
import { checkCredentialCache } from './credential-cache';
import { checkKrb5Config } from './krb5-config';
import { summarizeRoundTrips } from './round-trips';
import { checkServerChallenge } from './server-challenge';
import { checkServicePrincipal, onceEach } from './service-principal';
import { checkServiceTicket } from './service-ticket';
import type { DoctorReport, Step } from './step';

/** What the checks read from the system; tests replace parts of it. */
export interface DoctorDeps {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  uid: number | undefined;
  now: () => Date;
  configFs: ConfigFs;
  run: Run;
  /** The GSS provider before limits; the native `kerberos` binding by default. */
  gss: GssProvider;
  /** The CNAME lookup behind `--canonicalize cname`; `dns.promises.resolveCname` by default. */
  resolveCname: CnameResolver;
  /** Address lookup of the URL host, when the KDC does not know its name; `dns.promises.lookup` by default. */
  lookupHost: (host: string) => Promise<unknown>;
}

export function systemDeps(): DoctorDeps {
  return {
    env: process.env,
    platform: process.platform,
    uid: process.getuid?.(),
    now: () => new Date(),
    configFs: nodeConfigFs,
    run: runProgram,
    gss: kerberosProvider(),
    resolveCname: (name) => dns.resolveCname(name),
    lookupHost: (host) => dns.lookup(host),
  };
}

/**
 * Runs the checks in order and stops at the first failure: later checks depend on earlier
 * ones (no ticket, no service ticket; no challenge, nothing to authenticate against), so
 * the first failure is the one to fix.
 */
export async function runDoctor(
  url: URL,
  options: CliAuthOptions,
  deps: DoctorDeps = systemDeps(),
): Promise<DoctorReport> {
  const started = performance.now();
  const counter = new RequestCounter();
  const steps: Step[] = [];
  const add = (step: Step): boolean => {
    steps.push(step);
    return step.ok;
  };
  const report = (): DoctorReport => ({
    url: url.href,
    ok: steps.length > 0 && steps.every((step) => step.ok) && steps.some((step) => step.name === 'round-trips'),
    steps,
    roundTrips: counter.count,
    ms: Math.round(performance.now() - started),
  });

  const source = loadKrb5Config(deps.env, deps.configFs);
  if (!add(checkKrb5Config(source, deps.platform))) return report();
  if (!add(await credentialCache(options, deps, source.conf))) return report();
  // One answer per name for the whole run: the plugin of check 6 then gets the SPN check 4 tested.
  const resolveCname = onceEach(deps.resolveCname);
  const target = await checkServicePrincipal({
    url,
    options,
    platform: deps.platform,
    conf: source.conf,
    resolveCname,
  });
  add(target.step);
  // The plugin's own default, so the doctor checks what a request would.
  const mutual = options.mutual ?? defaultMutual(url);
  const gss = limitGss(deps.gss, { timeout: options.timeout, maxConcurrent: 1 });
  const { spn, host, alternatives } = target;
  const home = source.conf.defaultRealm;
  const ticket = await checkServiceTicket({
    gss,
    spn,
    host,
    alternatives,
    lookupHost: deps.lookupHost,
    foreignRealm:
      target.realm !== undefined && home !== undefined && target.realm.realm !== home
        ? { ...target.realm, home }
        : undefined,
    principal: options.principal,
    mechanism: options.mechanism,
    mutual,
  });
  if (!add(ticket)) return report();
  if (!add(await checkServerChallenge(createHttpClient(counter, { timeout: options.timeout }), url))) return report();
  const probe = counter.count;
  const client = createKerberosClient(
    counter,
    host,
    options,
    {},
    {
      gss: deps.gss,
      platform: deps.platform,
      resolveCname,
    },
  );
  const outcome = await checkAuthenticatedRequest(client, url, mutual, options.mechanism);
  if (!add(outcome.step)) return report();
  add(summarizeRoundTrips({ probe, authenticated: counter.count - probe, ms: performance.now() - started }));
  return report();
}

async function credentialCache(options: CliAuthOptions, deps: DoctorDeps, conf: Krb5Conf): Promise<Step> {
  const klist = deps.platform === 'win32' ? ({ available: false } as const) : await runKlist(deps.env, deps.run);
  return checkCredentialCache({
    klist,
    env: deps.env,
    conf,
    principal: options.principal,
    now: deps.now(),
    platform: deps.platform,
    uid: deps.uid,
  });
}
