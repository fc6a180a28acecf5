import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');
let project: string;

// Packs the package as npm would publish it and installs the tarball into a scratch project.
// Its dependencies are linked from this repository's node_modules, so no registry is needed;
// what is tested is the tarball: its files, `exports`, `types` and `bin`.
beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'axios-kerberos-pack-'));
  const packed = join(project, 'packed');
  mkdirSync(packed);
  execFileSync('npm', ['pack', '--silent', '--pack-destination', packed], { cwd: root, stdio: 'ignore' });
  const tarball = readdirSync(packed).find((name) => name.endsWith('.tgz'))!;
  const modules = join(project, 'node_modules');
  mkdirSync(modules);
  execFileSync('tar', ['-xzf', join(packed, tarball), '-C', modules]);
  renameSync(join(modules, 'package'), join(modules, 'axios-kerberos'));
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
    peerDependencies: Record<string, string>;
  };
  const linked = [
    ...Object.keys(manifest.dependencies),
    ...Object.keys(manifest.peerDependencies),
    'typescript',
    '@types',
  ];
  for (const dependency of linked) {
    symlinkSync(join(root, 'node_modules', dependency), join(modules, dependency));
  }
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'scratch', private: true }));
}, 60_000);

afterAll(() => rmSync(project, { recursive: true, force: true }));

const node = (file: string) => execFileSync(process.execPath, [file], { cwd: project, encoding: 'utf8' }).trim();

describe('the published package', () => {
  it('ships dist, docs, README, CHANGELOG, LICENSE and nothing from lib/ or the tests', () => {
    const files = readdirSync(join(project, 'node_modules/axios-kerberos'));
    expect(files.sort()).toEqual(['CHANGELOG.md', 'LICENSE', 'README.md', 'dist', 'docs', 'package.json']);
  });

  it('ships the MIT licence the manifest names', () => {
    const installed = join(project, 'node_modules/axios-kerberos');
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { license: string };
    expect(manifest.license).toBe('MIT');
    expect(readFileSync(join(installed, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} /);
  });

  it('resolves every relative link of the installed README', () => {
    const installed = join(project, 'node_modules/axios-kerberos');
    const readme = readFileSync(join(installed, 'README.md'), 'utf8');
    const targets = [...readme.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)]
      .map((match) => match[1]!)
      .filter((target) => !/^[a-z]+:/.test(target));
    expect(targets.length).toBeGreaterThan(5);
    const missing = targets.filter((target) => !existsSync(join(installed, target)));
    expect(missing).toEqual([]);
  });

  it('loads with require() from a .cjs file', () => {
    writeFileSync(
      join(project, 'use.cjs'),
      `const { kerberosAuth, KerberosAuthError, spnForUrl } = require('axios-kerberos');
       const axios = require('axios');
       kerberosAuth({ hosts: 'api.example.com' }).install(axios.create());
       console.log(typeof KerberosAuthError, spnForUrl('https://api.example.com/x'));`,
    );
    expect(node('use.cjs')).toBe(`function ${process.platform === 'win32' ? 'HTTP/' : 'HTTP@'}api.example.com`);
  });

  it('loads with import from a .mjs file, sharing one implementation with require()', () => {
    writeFileSync(
      join(project, 'use.mjs'),
      `import { createRequire } from 'node:module';
       import { KerberosAuthError, isKerberosAuthError, negotiate } from 'axios-kerberos';
       const cjs = createRequire(import.meta.url)('axios-kerberos');
       console.log(KerberosAuthError === cjs.KerberosAuthError, typeof negotiate, isKerberosAuthError(new cjs.KerberosAuthError('ERR_KERBEROS_GSS', 'x')));`,
    );
    expect(node('use.mjs')).toBe('true function true');
  });

  it('type-checks from a TypeScript file under tsc --strict, with the typed `kerberos` request key', () => {
    writeFileSync(
      join(project, 'use.ts'),
      `import axios from 'axios';
       import { kerberosAuth, isKerberosAuthError, type KerberosAuthOptions, type KerberosAuthHandle } from 'axios-kerberos';
       const options: KerberosAuthOptions = { hosts: ['api.example.com', '*.corp.example.com'], mutual: 'required' };
       const api = axios.create({ baseURL: 'https://api.example.com' });
       const handle: KerberosAuthHandle = kerberosAuth(options).install(api);
       export async function run(): Promise<number> {
         try {
           const response = await api.get('/things', { kerberos: { mutual: 'optional' } });
           await api.get('/other', { kerberos: false });
           return response.status;
         } catch (error) {
           if (isKerberosAuthError(error)) return error.code.length;
           throw error;
         } finally {
           handle.eject();
         }
       }
       // @ts-expect-error an unknown per-request option is a type error
       void api.get('/x', { kerberos: { hosts: 'x' } });`,
    );
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    const args = [
      '--strict',
      '--noEmit',
      '--module',
      'nodenext',
      '--moduleResolution',
      'nodenext',
      '--types',
      'node',
      'use.ts',
    ];
    expect(() => execFileSync(process.execPath, [tsc, ...args], { cwd: project, encoding: 'utf8' })).not.toThrow();
  }, 30_000);

  it('type-checks from a TypeScript ES module (.mts) under tsc --strict, augmenting the same axios types', () => {
    writeFileSync(
      join(project, 'use.mts'),
      `import axios from 'axios';
       import { kerberosAuth, negotiate, type KerberosAuthHandle } from 'axios-kerberos';
       const api = axios.create({ baseURL: 'https://api.example.com' });
       const handle: KerberosAuthHandle = kerberosAuth({ hosts: 'api.example.com' }).install(api);
       await api.get('/things', { kerberos: { mutual: 'optional' } });
       const ticket = await negotiate('https://api.example.com/things');
       await ticket.verify(null);
       handle.eject();
       // @ts-expect-error an unknown per-request option is a type error here too
       void api.get('/x', { kerberos: { hosts: 'x' } });`,
    );
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    const args = ['--strict', '--noEmit', '--module', 'nodenext', '--target', 'es2022', '--types', 'node', 'use.mts'];
    const run = () => execFileSync(process.execPath, [tsc, ...args], { cwd: project, encoding: 'utf8' });
    expect(run).not.toThrow();
  }, 30_000);

  it('installs the axios-kerberos command', () => {
    const help = execFileSync(process.execPath, ['node_modules/axios-kerberos/dist/cli/main.js', '--help'], {
      cwd: project,
      encoding: 'utf8',
    });
    expect(help).toMatch(/doctor/);
    expect(help).toMatch(/get/);
  });
});
