import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/*
 * The layers of the app AppModule assembles, read from the imports of the
 * source files (specs aside, `import type` included): arrows point down
 * (CONTRIBUTING.md, "Layout: arrows point down").
 */

const SRC = fileURLToPath(new URL('.', import.meta.url));

/** The app's source files (specs aside), relative to src/. */
function sourceFiles(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('spec.ts')
      ? [relative(SRC, path)]
      : [];
  });
}

const IMPORT = /\b(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g;

/** Each source file and the source files it imports, relative to src/. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles()) {
    const text = readFileSync(join(SRC, file), 'utf8');
    const targets = [...text.matchAll(IMPORT)].map((match) =>
      relative(
        SRC,
        resolve(SRC, dirname(file), match[1]).replace(/\.js$/, '.ts'),
      ),
    );
    graph.set(file, targets);
  }
  return graph;
}

/** The top folder of a file under src/ (`(root)` for app.factory.ts and its like). */
function folderOf(file: string): string {
  return file.includes('/') ? file.split('/')[0] : '(root)';
}

/** `from -> to` for every import that crosses from one of `from` into one of `to`. */
function imports(
  graph: Map<string, string[]>,
  from: (folder: string) => boolean,
  to: (folder: string) => boolean,
): string[] {
  return [...graph].flatMap(([file, targets]) =>
    from(folderOf(file))
      ? targets
          .filter((target) => to(folderOf(target)))
          .map((target) => `${file} -> ${target}`)
      : [],
  );
}

/** The groups of files that import each other, directly or not (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (file: string): void => {
    index.set(file, next);
    low.set(file, next);
    next += 1;
    stack.push(file);
    onStack.add(file);
    for (const target of graph.get(file) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(file, Math.min(low.get(file)!, index.get(target)!));
      }
    }
    if (low.get(file) === index.get(file)) {
      const group: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        group.push(member);
      } while (member !== file);
      if (group.length > 1) found.push(group.sort());
    }
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return found;
}

const FEATURES = ['auth', 'account', 'admin', 'pokemon', 'health', 'dev'];

describe('the layers of the app (imports of src/, specs aside)', () => {
  const graph = importGraph();

  it('reads the imports it checks', () => {
    expect(graph.get('app.module.ts')).toContain('config/config.options.ts');
    expect(graph.get('config/env.validation.ts')).toContain(
      'config/variables.ts',
    );
  });

  it('has no import cycle', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('lets src/config import nothing outside it', () => {
    expect(
      imports(
        graph,
        (folder) => folder === 'config',
        (folder) => folder !== 'config',
      ),
    ).toEqual([]);
  });

  it('keeps the route-level OpenAPI decorator below the features', () => {
    expect(
      imports(
        graph,
        (folder) => folder === 'openapi',
        (folder) => [...FEATURES, 'app', '(root)'].includes(folder),
      ),
    ).toEqual([]);
  });

  it('keeps the OpenAPI document builder (src/app) above the features', () => {
    expect(
      imports(
        graph,
        (folder) => !['app', '(root)'].includes(folder),
        (folder) => folder === 'app' || folder === '(root)',
      ),
    ).toEqual([]);
  });
});
