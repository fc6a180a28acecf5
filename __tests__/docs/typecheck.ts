import { join } from 'node:path';
import * as ts from 'typescript';
import type { CodeBlock } from './code-blocks';

/** A type error in a documentation block, placed on the Markdown line it comes from. */
export interface BlockProblem {
  block: CodeBlock;
  /** 1-based line in the Markdown file. */
  line: number;
  /** `TS2304: Cannot find name 'x'.` */
  message: string;
}

/**
 * Names every example may use without declaring them, as documentation snippets continue
 * from the set-up shown first: `api` is an axios instance with the plugin installed.
 */
const PRELUDE = `
import type { AxiosInstance } from 'axios';
declare global {
  /** An axios instance with kerberosAuth() installed, as in the README's first example. */
  const api: AxiosInstance;
}
export {};
`;

/**
 * Type-checks every block as its own ES module (so top-level await works) in ONE program,
 * which keeps the check fast: lib/, axios and Node's types are parsed once. The blocks live
 * only in memory, under a folder of the repository so that `axios` resolves from its
 * node_modules; `axios-kerberos` is mapped to the library's source.
 */
export function typecheckBlocks(blocks: readonly CodeBlock[], root: string): BlockProblem[] {
  const folder = join(root, '__tests__', 'docs', '.examples');
  const virtual = new Map<string, { text: string; block?: CodeBlock }>();
  virtual.set(join(folder, 'prelude.mts'), { text: PRELUDE });
  for (const block of blocks) {
    const name = `${block.file.replace(/[^\w.-]/g, '_')}.${block.index}.mts`;
    // Every block is a module even when it imports nothing; `export {}` goes last so that
    // line numbers stay those of the block.
    virtual.set(join(folder, name), { text: `${block.code}\nexport {};\n`, block });
  }

  const options: ts.CompilerOptions = {
    strict: true,
    noUncheckedIndexedAccess: true,
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2023.d.ts'],
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: ['node'],
    typeRoots: [join(root, 'node_modules', '@types')],
    esModuleInterop: true,
    skipLibCheck: true,
    noEmit: true,
    // undici's own types ship as `undici-types` (with @types/node); examples import `undici`.
    paths: {
      'axios-kerberos': [join(root, 'lib', 'index.ts')],
      undici: [join(root, 'node_modules', 'undici-types', 'index.d.ts')],
    },
  };

  const host = ts.createCompilerHost(options, true);
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const readFile = host.readFile.bind(host);
  host.fileExists = (name) => virtual.has(name) || fileExists(name);
  host.readFile = (name) => virtual.get(name)?.text ?? readFile(name);
  host.getSourceFile = (name, language, onError, create) => {
    const file = virtual.get(name);
    return file === undefined
      ? getSourceFile(name, language, onError, create)
      : ts.createSourceFile(name, file.text, language, true, ts.ScriptKind.TS);
  };
  // lib/ is CommonJS-format source (package.json has no "type"), so under nodenext its own
  // `import ... from 'axios'` would pick axios's index.d.cts while the (ES module) examples
  // pick index.d.ts: two unrelated AxiosInstance types, and the `kerberos` request key
  // augmented on the other one. Resolving `axios` one way for the whole program checks the
  // examples as a user sees them with one copy of axios's types.
  const cache = ts.createModuleResolutionCache(root, (name) => name, options);
  host.resolveModuleNameLiterals = (literals, containingFile, redirected, compilerOptions, containingSource) =>
    literals.map((literal) => {
      const mode =
        literal.text === 'axios'
          ? ts.ModuleKind.ESNext
          : ts.getModeForUsageLocation(containingSource, literal, compilerOptions);
      return ts.resolveModuleName(literal.text, containingFile, compilerOptions, host, cache, redirected, mode);
    });

  const program = ts.createProgram({ rootNames: [...virtual.keys()], options, host });
  const problems: BlockProblem[] = [];
  const general = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
  for (const diagnostic of general) {
    problems.push({
      block: { file: '(compiler)', index: 0, line: 0, code: '', skip: false },
      line: 0,
      message: describe(diagnostic),
    });
  }
  for (const [name, file] of virtual) {
    const source = program.getSourceFile(name);
    if (source === undefined) throw new Error(`the program lost ${name}`);
    const diagnostics = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
    for (const diagnostic of diagnostics) {
      const offset = source.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line;
      const block = file.block ?? { file: 'prelude', index: 0, line: 1, code: PRELUDE, skip: false };
      problems.push({ block, line: block.line + offset, message: describe(diagnostic) });
    }
  }
  return problems;
}

function describe(diagnostic: ts.Diagnostic): string {
  return `TS${diagnostic.code}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
}
