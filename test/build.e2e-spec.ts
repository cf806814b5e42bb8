import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import {
  cp,
  mkdtemp,
  readdir,
  readFile,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './support/process.js';

const run = promisify(execFile);

/** What a build is made from (scripts/start.mjs's list), copied into a project of its own. */
const INPUTS = [
  'src',
  'public',
  'scripts',
  '.swcrc',
  'nest-cli.json',
  'tsconfig.json',
  'tsconfig.build.json',
  'package.json',
];

async function project(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'nca-build-'));
  for (const input of INPUTS)
    await cp(join(ROOT, input), join(dir, input), { recursive: true });
  await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

/** Every file under dir, by its path relative to dir, with its bytes. */
async function tree(dir: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const entry of await readdir(dir, {
    recursive: true,
    withFileTypes: true,
  })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files.set(relative(dir, path), await readFile(path));
  }
  return files;
}

describe('npm run build (scripts/build.mjs)', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await project();
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('builds byte for byte what `nest build` builds from nest-cli.json and .swcrc', async () => {
    const nest = join(dir, 'node_modules', '@nestjs', 'cli', 'bin', 'nest.js');
    await run(process.execPath, [nest, 'build'], { cwd: dir });
    const byNest = await tree(join(dir, 'dist'));
    await run(process.execPath, ['scripts/build.mjs'], { cwd: dir });
    const byScript = await tree(join(dir, 'dist'));
    // Its stamp, written last, is what npm start reads to skip a build.
    expect(byScript.delete('.built')).toBe(true);

    expect([...byScript.keys()].sort()).toEqual([...byNest.keys()].sort());
    expect(byScript.has('main.js')).toBe(true);
    expect(byScript.has('public/index.html')).toBe(true);
    expect(byScript.has('cognito/emulator/cognito-local.child.cjs')).toBe(true);
    expect(
      [...byScript.keys()].filter((file) => file.includes('.spec.')),
    ).toEqual([]);
    for (const [file, bytes] of byScript) {
      expect({ file, same: bytes.equals(byNest.get(file)!) }).toEqual({
        file,
        same: true,
      });
    }
  });

  it('fails with the file that does not compile, and leaves no stale build behind', async () => {
    await run(process.execPath, ['scripts/build.mjs'], { cwd: dir });
    await writeFile(
      join(dir, 'src', 'broken.ts'),
      'export const broken = (;\n',
    );

    const failed = await run(process.execPath, ['scripts/build.mjs'], {
      cwd: dir,
    }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );

    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(join('src', 'broken.ts'));
    // npm start rebuilds when the stamp is older than a source or missing.
    expect(existsSync(join(dir, 'dist', '.built'))).toBe(false);
    expect(existsSync(join(dir, 'dist', 'main.js'))).toBe(false);
  });
});
