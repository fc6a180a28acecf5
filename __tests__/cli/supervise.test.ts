import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

// The built module (dist/ is built by the unit project's global setup): the supervisor and
// its worker are processes of their own.
const SUPERVISE = resolve(__dirname, '../../dist/cli/supervise.js');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'axios-kerberos-supervise-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Resolves true once `pid` is dead: gone, or a zombie (an orphan whose new parent, PID 1 in
 * some containers, does not reap it). SIGKILL takes effect at once, but not synchronously
 * with the sender's exit, so this polls /proc briefly.
 */
async function dies(pid: number): Promise<boolean> {
  for (let i = 0; i < 200; i++) {
    let state: string | undefined;
    try {
      state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
    } catch {
      return true;
    }
    if (state === 'Z') return true;
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 10));
  }
  return false;
}

/** Runs `supervise(worker)` in a process of its own; resolves with its exit code and output. */
function supervised(workerSource: string): Promise<{ code: number | null; stdout: string }> {
  const worker = join(dir, `worker-${Math.random().toString(36).slice(2)}.js`);
  writeFileSync(worker, workerSource);
  const parent = spawn(
    process.execPath,
    ['-e', `require(${JSON.stringify(SUPERVISE)}).supervise(${JSON.stringify(worker)})`],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let stdout = '';
  parent.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  return new Promise((resolvePromise) => parent.on('close', (code) => resolvePromise({ code, stdout })));
}

describe('supervise: the CLI runs its command in a worker it can kill', () => {
  it('exits with the code the worker reports and kills a worker that would stay (a stuck GSS call)', async () => {
    // The worker prints, reports 3, then keeps itself alive as a native call stuck on a silent KDC would.
    const { code, stdout } = await supervised(
      `const { finish } = require(${JSON.stringify(SUPERVISE)});
       process.stdout.write(process.pid + '\\n');
       setInterval(() => undefined, 1000);
       finish(3);`,
    );
    expect(code).toBe(3);
    const pid = Number(stdout.trim());
    expect(pid).toBeGreaterThan(0);
    expect(await dies(pid)).toBe(true);
  });

  it('passes on the exit code of a worker that ends without reporting (a crash)', async () => {
    const { code } = await supervised('process.exit(7);');
    expect(code).toBe(7);
  });
});
