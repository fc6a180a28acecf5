import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type CodeBlock, documentationBlocks, extractBlocks, NO_COMPILE } from './code-blocks';
import { type BlockProblem, typecheckBlocks } from './typecheck';

const root = resolve(__dirname, '../..');

function where(block: CodeBlock): string {
  return `${block.file} block ${block.index} (line ${block.line})`;
}

function report(problem: BlockProblem): string {
  return `${problem.block.file}:${problem.line} (block ${problem.block.index}): ${problem.message}`;
}

describe('extracting code blocks from Markdown', () => {
  it('takes ```ts and ```typescript blocks with their line, and nothing else', () => {
    const markdown = ['# T', '', '```ts', 'const a = 1;', '```', '```sh', 'ls', '```', '```typescript', 'b;', '```'];
    expect(extractBlocks(markdown.join('\n'), 'x.md')).toEqual([
      { file: 'x.md', index: 1, line: 4, code: 'const a = 1;', skip: false },
      { file: 'x.md', index: 2, line: 10, code: 'b;', skip: false },
    ]);
  });

  it(`skips a block preceded by ${NO_COMPILE}, blank lines allowed in between`, () => {
    const markdown = [NO_COMPILE, '', '```ts', 'nope(', '```', 'text', '```ts', 'ok;', '```'].join('\n');
    expect(extractBlocks(markdown, 'x.md').map((block) => block.skip)).toEqual([true, false]);
  });

  it('removes the indentation of a block inside a list item', () => {
    const markdown = ['1. step', '   ```ts', '   const a = 1;', '     a;', '   ```'].join('\n');
    expect(extractBlocks(markdown, 'x.md')[0]?.code).toBe('const a = 1;\n  a;');
  });

  it('does not take a fence shown inside a longer fence for a block', () => {
    const markdown = ['````md', '```ts', 'not code', '```', '````', '```ts', 'code;', '```'].join('\n');
    expect(extractBlocks(markdown, 'x.md').map((block) => block.code)).toEqual(['code;']);
  });
});

describe('TypeScript examples in README.md and docs/*.md', () => {
  const blocks = documentationBlocks(root);
  const compiled = blocks.filter((block) => !block.skip);

  it('finds the examples', () => {
    expect(compiled.length).toBeGreaterThan(20);
    expect(new Set(compiled.map((block) => block.file))).toContain('README.md');
  });

  it(`uses ${NO_COMPILE} sparingly (at most one block in ten)`, () => {
    const skipped = blocks.filter((block) => block.skip).map(where);
    expect(skipped.length).toBeLessThanOrEqual(Math.floor(blocks.length / 10));
  });

  it('type-check against lib/ (strict, noUncheckedIndexedAccess, module nodenext, top-level await)', () => {
    const problems = typecheckBlocks(compiled, root).map(report);
    expect(problems).toEqual([]);
  }, 120_000);
});

describe('the exports table of docs/options.md', () => {
  const table = readFileSync(resolve(root, 'docs/options.md'), 'utf8').split('## Errors and exported types')[1] ?? '';
  // Rows: | `name(args)`, `Other` | kind | what |
  const rows = [...table.matchAll(/^\| ((?:`[^`]+`(?:, )?)+) +\| (\w+) +\|/gm)].map((row) => ({
    names: [...(row[1] ?? '').matchAll(/`(\w+)/g)].map((name) => name[1] as string),
    isType: (row[2] ?? '').startsWith('type'),
  }));
  const documented = rows.flatMap((row) => row.names);

  it('names exactly what lib/index.ts exports', () => {
    const index = readFileSync(resolve(root, 'lib/index.ts'), 'utf8');
    const exported = [...index.matchAll(/^export (?:type )?\{([^}]+)\}/gm)].flatMap((match) =>
      (match[1] ?? '').split(',').map((name) => name.trim()),
    );
    expect(documented.length).toBeGreaterThan(15);
    expect([...documented].sort()).toEqual(exported.filter((name) => name !== '').sort());
  });

  it('can be imported from the package as the table says (value or type)', () => {
    const imports = rows.flatMap((row) => row.names.map((name) => (row.isType ? `type ${name}` : name)));
    const values = rows.filter((row) => !row.isType).flatMap((row) => row.names);
    const code = `import { ${imports.join(', ')} } from 'axios-kerberos';\nvoid [${values.join(', ')}];`;
    const block: CodeBlock = { file: 'docs/options.md exports table', index: 1, line: 1, code, skip: false };
    expect(typecheckBlocks([block], root).map(report)).toEqual([]);
  }, 120_000);
});
