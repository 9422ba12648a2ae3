/**
 * The layers, read from the imports of src/ (by TypeScript's own parser, so comments and strings
 * do not count, and `import()`, `import('…').T` and `export … from` do): the product reaches the
 * sandbox only through its entry point, and loads its code only where it opens an account; what
 * both sides agree on (src/contract/) depends on neither, and is all the sandbox takes from the
 * product; the sandbox's modules import one another without a cycle.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const src = join(root, 'src');

/** Every .ts file under `dir`, as paths relative to the repository (`src/sandbox/http.ts`). */
function tsFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => relative(root, join(dir, f)).split('\\').join('/'))
    .sort();
}

interface Import { to: string; typeOnly: boolean }

const parsed = new Map<string, Import[]>();

/** What `file` imports from this repository (packages left out): each file, and whether only its types. */
function importList(file: string): Import[] {
  const known = parsed.get(file);
  if (known) return known;
  const text = readFileSync(join(root, file), 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const found: Import[] = [];
  const add = (spec: ts.Expression | undefined, typeOnly: boolean) => {
    if (!spec || !ts.isStringLiteralLike(spec) || !spec.text.startsWith('.')) return;
    const to = relative(root, resolve(root, dirname(file), spec.text.replace(/\.js$/, '.ts'))).split('\\').join('/');
    found.push({ to, typeOnly });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : undefined;
      const typeOnly = !!clause && (clause.isTypeOnly || (!clause.name && !!named && named.length > 0 && named.every((e) => e.isTypeOnly)));
      add(node.moduleSpecifier, typeOnly);
    } else if (ts.isExportDeclaration(node)) {
      const named = node.exportClause && ts.isNamedExports(node.exportClause) ? node.exportClause.elements : undefined;
      add(node.moduleSpecifier, node.isTypeOnly || (!!named && named.length > 0 && named.every((e) => e.isTypeOnly)));
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      add(node.arguments[0], false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node.argument.literal, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  parsed.set(file, found);
  return found;
}

/** The files of this repository that `file` imports, for its code or its types. */
const importsOf = (file: string) => importList(file).map((i) => i.to);

/** The import graph of `files`, keeping only edges between them. */
function graphOf(files: string[]): Map<string, string[]> {
  const inside = new Set(files);
  return new Map(files.map((f) => [f, importsOf(f).filter((to) => inside.has(to))]));
}

/** One import cycle of `graph` (its files in order, the first repeated at the end), or undefined. */
export function findCycle(graph: Map<string, string[]>): string[] | undefined {
  const done = new Set<string>();
  const path: string[] = [];
  const onPath = new Set<string>();
  const visit = (node: string): string[] | undefined => {
    if (onPath.has(node)) return [...path.slice(path.indexOf(node)), node];
    if (done.has(node)) return undefined;
    path.push(node);
    onPath.add(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    onPath.delete(node);
    done.add(node);
    return undefined;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

describe('the import scanner', () => {
  it('sees static, type-only, re-exported and dynamic imports, and resolves them to files', () => {
    expect(importList('src/sandbox/index.ts')).toEqual(expect.arrayContaining([
      { to: 'src/sandbox/store.ts', typeOnly: false },
      { to: 'src/sandbox/types.ts', typeOnly: true },
      { to: 'src/sandbox/account-file.ts', typeOnly: false },
      { to: 'src/contract/aws-calls.ts', typeOnly: false },
    ]));
    expect(importList('src/aws/clients.ts')).toContainEqual({ to: 'src/sandbox/index.ts', typeOnly: true });
    expect(importList('src/commands/status.ts')).toContainEqual({ to: 'src/commands/context.ts', typeOnly: false });
  });

  it('finds a cycle, and none where there is none', () => {
    expect(findCycle(new Map([['a', ['b']], ['b', ['c']], ['c', ['b']]]))).toEqual(['b', 'c', 'b']);
    expect(findCycle(new Map([['a', ['a']]]))).toEqual(['a', 'a']);
    expect(findCycle(new Map([['a', ['b', 'c']], ['b', ['c']], ['c', []]]))).toBeUndefined();
  });
});

describe('the layers of src/', () => {
  const all = tsFiles(src);
  const inSandbox = (f: string) => f.startsWith('src/sandbox/');

  it('the product imports nothing from src/sandbox/ but its entry point', () => {
    const product = all.filter((f) => !inSandbox(f));
    expect(product.length).toBeGreaterThan(50);
    const reaches = product.flatMap((f) => importsOf(f).filter((to) => inSandbox(to) && to !== 'src/sandbox/index.ts').map((to) => `${f} → ${to}`));
    expect(reaches).toEqual([]);
  });

  it('the product loads the sandbox\'s code only where it opens an account (commands/sandbox-account.ts); elsewhere its types at most', () => {
    const loads = all.filter((f) => !inSandbox(f)).filter((f) => importList(f).some((i) => inSandbox(i.to) && !i.typeOnly));
    expect(loads).toEqual(['src/commands/sandbox-account.ts']);
  });

  it('the contract (src/contract/) imports nothing else of ours: the product owns it, the sandbox imports it', () => {
    const contract = all.filter((f) => f.startsWith('src/contract/'));
    expect(contract).toEqual(expect.arrayContaining(['src/contract/aws-calls.ts', 'src/contract/user-data.ts', 'src/contract/web-server.ts']));
    const reaches = contract.flatMap((f) => importsOf(f).filter((to) => !to.startsWith('src/contract/')).map((to) => `${f} → ${to}`));
    expect(reaches).toEqual([]);
  });

  it('the sandbox imports nothing of the product but the contract', () => {
    const reaches = all.filter(inSandbox).flatMap((f) => importsOf(f).filter((to) => !inSandbox(to) && !to.startsWith('src/contract/')).map((to) => `${f} → ${to}`));
    expect(reaches).toEqual([]);
  });

  it('the sandbox has no import cycle (type-only imports included)', () => {
    const graph = graphOf(all.filter(inSandbox));
    expect(graph.size).toBeGreaterThan(40);
    expect([...graph.values()].flat().length).toBeGreaterThan(100);
    expect(findCycle(graph)?.join(' → ')).toBeUndefined();
  });
});
