// The four in-process contenders, and the loops that drive them. All of them use one shared
// keep-alive agent, so each is measured on reused connections and none pays TCP set-up that
// another does not.
import axios from 'axios';
import kerberos from 'kerberos';
import { kerberosAuth } from 'axios-kerberos';
import { nowNs } from './stats.mjs';

const SPN = 'HTTP@localhost';
// kerberos 7.0.0's typings call this option `gssFlag`, but the native code reads `flags`:
// with the typed name the flags would silently fall back to the library's default.
const HAND_WRITTEN_INIT = {
  flags: kerberos.GSS_C_MUTUAL_FLAG | kerberos.GSS_C_SEQUENCE_FLAG,
  mechOID: kerberos.GSS_MECH_OID_SPNEGO,
};
const NEGOTIATE_TOKEN = /^Negotiate\s+([A-Za-z0-9+/=]+)\s*$/i;

/**
 * The baseline: the least code that does SPNEGO with mutual authentication from axios. A new
 * context per request, the token minted on the request's critical path, and the server's
 * final token stepped to prove the response came from the ticket's server.
 */
export async function handWrittenGet(client, url) {
  const context = await kerberos.initializeClient(SPN, HAND_WRITTEN_INIT);
  const token = await context.step('');
  const response = await client.get(url, { headers: { Authorization: `Negotiate ${token}` } });
  const match = NEGOTIATE_TOKEN.exec(response.headers['www-authenticate'] ?? '');
  if (match === null) throw new Error('hand-written: the response carries no mutual-authentication token');
  await context.step(match[1]);
  if (!context.contextComplete) throw new Error('hand-written: mutual authentication did not complete');
  return response;
}

/** Builds the node contenders; `path` says which Apache location each one talks to. */
export function createNodeContenders(agent) {
  const client = () => axios.create({ httpAgent: agent });
  const plain = client();
  const handWritten = client();
  const preemptive = client();
  const reactive = client();
  kerberosAuth({ hosts: 'localhost' }).install(preemptive);
  kerberosAuth().install(reactive);
  return [
    { name: 'plain', label: 'plain axios, /public/ (ceiling)', path: 'public', send: (url) => plain.get(url) },
    {
      name: 'hand',
      label: 'hand-written kerberos + axios',
      path: 'negotiate',
      send: (url) => handWrittenGet(handWritten, url),
    },
    { name: 'plugin-pre', label: "plugin, hosts: 'localhost'", path: 'negotiate', send: (url) => preemptive.get(url) },
    { name: 'plugin-react', label: 'plugin, no hosts (adaptive)', path: 'negotiate', send: (url) => reactive.get(url) },
  ];
}

/** One request, timed; a failure is counted rather than thrown so that one reset does not end a run. */
async function timedSend(send, url, batch, index) {
  const started = nowNs();
  try {
    await send(url);
  } catch (error) {
    batch.errors++;
    batch.firstError ??= error instanceof Error ? error.message : String(error);
  }
  batch.latenciesMs[index] = (nowNs() - started) / 1e6;
}

/** `count` requests with `inFlight` of them outstanding at any time (1 = sequential), and their CPU time. */
export async function runNodeBatch(send, url, count, inFlight) {
  const batch = { latenciesMs: new Array(count), errors: 0, firstError: undefined, seconds: 0 };
  let next = 0;
  const worker = async () => {
    while (next < count) await timedSend(send, url, batch, next++);
  };
  const cpu = process.cpuUsage();
  const started = nowNs();
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, worker));
  batch.seconds = (nowNs() - started) / 1e9;
  // The whole process (main thread and libuv's pool, where GSS runs): what this client costs.
  const used = process.cpuUsage(cpu);
  batch.cpuMicros = used.user + used.system;
  return batch;
}
