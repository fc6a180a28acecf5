import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const SCRIPT = resolve(__dirname, '../../../scripts/heimdal.sh');
const CLIENT = join(__dirname, 'heimdal-client.cjs');

/**
 * The preload file that makes `require('kerberos')` load the addon built against Heimdal
 * (built by scripts/setup.sh; `heimdal.sh addon` only checks it then). Heimdal runs only
 * in child processes started with it: MIT's and Heimdal's gss_* symbols clash in one process.
 */
export function heimdalPreload(): string {
  return execFileSync('bash', [SCRIPT, 'addon'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}

/** A Heimdal KDC (realm HK.TEST) in `dir`, with alice's ticket; its environment. */
export function heimdalKdcUp(dir: string): Record<string, string> {
  execFileSync('bash', [SCRIPT, 'up', dir], { stdio: ['ignore', 'ignore', 'inherit'] });
  return JSON.parse(readFileSync(join(dir, 'env.json'), 'utf8')) as Record<string, string>;
}

export function heimdalKdcDown(dir: string): void {
  execFileSync('bash', [SCRIPT, 'down', dir, '--purge'], { stdio: ['ignore', 'ignore', 'inherit'] });
}

export interface ChildRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs node with `args` and `env` (the whole environment: Jest's copy is not inherited), killed after `limitMs`. */
export function runNode(args: string[], env: NodeJS.ProcessEnv, limitMs = 20000): Promise<ChildRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

/** What one request with the plugin on Heimdal ended with. */
export interface HeimdalOutcome {
  status?: number;
  user?: string;
  code?: string;
  message?: string;
  cause?: string;
}

/** One request with the plugin, in a child process whose `kerberos` is the Heimdal build. */
export async function heimdalRequest(
  preload: string,
  env: NodeJS.ProcessEnv,
  request: { url: string; options: Record<string, unknown>; holdMs?: number },
): Promise<HeimdalOutcome> {
  const run = await runNode(['-r', preload, CLIENT, JSON.stringify(request)], env);
  if (run.code !== 0) throw new Error(`the Heimdal client exited with ${String(run.code)}: ${run.stderr}`);
  return JSON.parse(run.stdout) as HeimdalOutcome;
}
