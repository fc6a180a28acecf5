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

/** What one request with the plugin on Heimdal ended with. */
export interface HeimdalOutcome {
  /** With `count`: one outcome per request, and the file reads done while they ran. */
  outcomes?: HeimdalOutcome[];
  reads?: number;
  status?: number;
  user?: string;
  code?: string;
  message?: string;
  cause?: string;
}

/**
 * Requests with the plugin, in a child process whose `kerberos` is the Heimdal build. Resolves
 * with the child's report as soon as it is printed, and kills the child: after a time-out, a
 * GSS call stuck on a silent KDC would keep it alive for a minute.
 */
export function heimdalRequest(
  preload: string,
  env: NodeJS.ProcessEnv,
  request: { url: string; options: Record<string, unknown>; holdMs?: number; count?: number },
): Promise<HeimdalOutcome> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['-r', preload, CLIENT, JSON.stringify(request)], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 30000);
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const end = stdout.indexOf('\n');
      if (end === -1) return;
      clearTimeout(timer);
      child.kill('SIGKILL');
      resolvePromise(JSON.parse(stdout.slice(0, end)) as HeimdalOutcome);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`the Heimdal client ended (${String(code)}) without a report: ${stderr}`));
    });
  });
}
