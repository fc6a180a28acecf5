import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** A fenced TypeScript block of a Markdown file. */
export interface CodeBlock {
  /** The Markdown file, relative to the repository root (`docs/options.md`). */
  file: string;
  /** 1-based position of the block among the file's TypeScript blocks. */
  index: number;
  /** 1-based line of the first code line (the line after the opening fence). */
  line: number;
  code: string;
  /** The block is preceded by a `<!-- no-compile -->` line. */
  skip: boolean;
}

/** The marker line that keeps the next block out of the type check. Use sparingly. */
export const NO_COMPILE = '<!-- no-compile -->';

const OPENING = /^( {0,3})(`{3,}|~{3,})\s*([\w-]*)/;
const TYPESCRIPT = new Set(['ts', 'typescript', 'mts', 'cts']);

/**
 * The ```ts blocks of a Markdown text, in order. Fences of any info string are tracked, so
 * a ```ts line inside a ```md block is not taken for a block; a fence indented in a list
 * item has that indentation removed from its lines.
 */
export function extractBlocks(markdown: string, file: string): CodeBlock[] {
  const lines = markdown.split(/\r?\n/);
  const blocks: CodeBlock[] = [];
  let previous = '';
  for (let i = 0; i < lines.length; i++) {
    const opening = OPENING.exec(lines[i] ?? '');
    if (opening === null) {
      if ((lines[i] ?? '').trim() !== '') previous = (lines[i] ?? '').trim();
      continue;
    }
    const [, indent = '', fence = '```', info = ''] = opening;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const text = lines[j] ?? '';
      if (text.trim().startsWith(fence) && text.trim().replace(/[`~]/g, '') === '') break;
      body.push(text.startsWith(indent) ? text.slice(indent.length) : text.trimStart());
    }
    if (TYPESCRIPT.has(info.toLowerCase())) {
      blocks.push({
        file,
        index: blocks.length + 1,
        line: i + 2,
        code: body.join('\n'),
        skip: previous === NO_COMPILE,
      });
    }
    previous = '';
    i = j;
  }
  return blocks;
}

/** README.md and every Markdown file directly under docs/, as paths relative to `root`. */
export function documentationFiles(root: string): string[] {
  const docs = readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => join(root, 'docs', name));
  return [join(root, 'README.md'), ...docs].map((path) => relative(root, path));
}

/** Every TypeScript block of the project's documentation. */
export function documentationBlocks(root: string): CodeBlock[] {
  return documentationFiles(root).flatMap((file) => extractBlocks(readFileSync(join(root, file), 'utf8'), file));
}
