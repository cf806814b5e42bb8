import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configVariables } from './env.validation.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SRC = join(ROOT, 'src');

/** The app's source files (specs aside), relative to the repository. */
function sourceFiles(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|cjs|js)$/.test(entry.name) && !entry.name.endsWith('.spec.ts')
      ? [relative(ROOT, path)]
      : [];
  });
}

function read(path: string): string {
  return readFileSync(join(ROOT, path), 'utf8');
}

/** `env.NAME` and `env['NAME']`: how src/config reads a variable (process.env too). */
const ENV_READ =
  /\benv(?:\.([A-Z][A-Z0-9_]*)\b|\[\s*['"`]([A-Z][A-Z0-9_]*)['"`]\s*\])/g;

/** Every variable name the source reads, sorted. */
function variablesRead(): string[] {
  const names = sourceFiles().flatMap((path) =>
    [...read(path).matchAll(ENV_READ)].map((m) => m[1] ?? m[2]),
  );
  return [...new Set(names)].sort();
}

/** The variables .env.example sets, or shows commented out (`# NAME=`). */
function variablesInEnvExample(): string[] {
  const lines = read('.env.example').split('\n');
  const names = lines.flatMap((line) => {
    const match = /^(?:#\s*)?([A-Z][A-Z0-9_]*)=/.exec(line);
    return match ? [match[1]] : [];
  });
  return [...new Set(names)].sort();
}

/** The variables in the table of README.md's "Configuration" section. */
function variablesInReadme(): string[] {
  const section = /^## Configuration\n([\s\S]*?)^## /m.exec(read('README.md'));
  const rows = [
    ...(section?.[1] ?? '').matchAll(/^\| `([A-Z][A-Z0-9_]*)` \|/gm),
  ];
  return [...new Set(rows.map((m) => m[1]))].sort();
}

/** What is in `a` and not in `b`. */
function missing(a: string[], b: string[]): string[] {
  return a.filter((name) => !b.includes(name));
}

describe('environment variables', () => {
  const validated = [...configVariables()].sort();
  const readInSource = variablesRead();
  const documented = variablesInEnvExample();

  it('finds the variables the source reads', () => {
    expect(readInSource).toEqual(expect.arrayContaining(['PORT', 'PATH']));
  });

  it('has rules for every variable read in src/', () => {
    expect(missing(readInSource, validated)).toEqual([]);
  });

  it('reads every variable it has rules for', () => {
    expect(missing(validated, readInSource)).toEqual([]);
  });

  it('gives each variable its rules in one namespace only', () => {
    expect(validated).toEqual([...new Set(validated)]);
  });

  it('documents every variable read in .env.example', () => {
    expect(missing(readInSource, documented)).toEqual([]);
  });

  it('reads every variable .env.example lists', () => {
    expect(missing(documented, readInSource)).toEqual([]);
  });

  it('lists exactly the variables read in the README Configuration table', () => {
    const inReadme = variablesInReadme();
    expect(missing(readInSource, inReadme)).toEqual([]);
    expect(missing(inReadme, readInSource)).toEqual([]);
  });

  it('reads process.env only in src/config/', () => {
    const outside = sourceFiles().filter(
      (path) =>
        !path.startsWith(join('src', 'config')) &&
        /process\.env\b/.test(read(path)),
    );
    expect(outside).toEqual([]);
  });
});
