// npm run build: compile src/ into dist/ with SWC and copy the assets that
// nest-cli.json lists: what `nest build` does with its SWC builder, without
// loading the Nest CLI and TypeScript first (most of a first start's build
// time). Every compile option is in .swcrc, which both read, and the assets
// are nest-cli.json's, so the two builds cannot drift apart
// (test/build.e2e-spec.ts compares their output). Type checking is
// npm run check's job, not the build's.
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = 'dist';

/**
 * Written last, once everything is in dist/: npm start (scripts/start.mjs)
 * rebuilds when it is missing or older than a source, so a build that was
 * interrupted (Ctrl-C, a kill, a full disk) is never run as up to date.
 */
export const BUILD_STAMP = join(OUT, '.built');

async function readJson(file) {
  return JSON.parse(await readFile(join(root, file), 'utf8'));
}

/** nest-cli.json's assets: globs relative to sourceRoot, each with its outDir. */
async function copyAssets(sourceRoot, assets) {
  const { glob } = await import('tinyglobby');
  for (const asset of assets) {
    const item = typeof asset === 'string' ? { include: asset } : asset;
    const pattern = join(sourceRoot, item.include);
    const base = join(root, sourceRoot, dirname(item.include).split('*')[0]);
    const files = await glob(pattern, {
      cwd: root,
      ignore: item.exclude ? [join(sourceRoot, item.exclude)] : [],
      dot: true,
      absolute: true,
    });
    const outDir = join(root, item.outDir ?? OUT);
    for (const file of files) {
      // As the Nest CLI: a file keeps its path below sourceRoot, and an
      // include that climbs out of it ("../public/**") keeps its path below
      // the folder it names.
      const below = file.startsWith(join(root, sourceRoot) + '/')
        ? relative(join(root, sourceRoot), file)
        : relative(base, file);
      const target = join(outDir, below);
      await mkdir(dirname(target), { recursive: true });
      await copyFile(file, target);
    }
  }
}

/**
 * Builds dist/ from src/; rejects (after SWC has printed why) when a file
 * does not compile. The compiler is loaded here, not when the module is:
 * npm start imports this module and needs it only when it builds.
 */
export async function build() {
  const nest = await readJson('nest-cli.json');
  const { exclude = [] } = await readJson('tsconfig.build.json');
  const sourceRoot = nest.sourceRoot ?? 'src';
  const removeBuild = () =>
    rm(join(root, OUT), { recursive: true, force: true });
  await rm(join(root, BUILD_STAMP), { force: true });
  if (nest.compilerOptions?.deleteOutDir) await removeBuild();
  process.chdir(root);
  try {
    const { default: swcCli } = await import('@swc/cli');
    await swcCli.swcDir({
      cliOptions: {
        filenames: [sourceRoot],
        outDir: OUT,
        extensions: ['.ts', '.js'],
        ignore: exclude.filter((pattern) => pattern.includes('*')),
        stripLeadingPaths: true,
        copyFiles: false,
        includeDotfiles: false,
        sync: true,
        watch: false,
        quiet: true,
      },
      swcOptions: { swcrc: true },
    });
    await copyAssets(sourceRoot, nest.compilerOptions?.assets ?? []);
    await writeFile(join(root, BUILD_STAMP), `${new Date().toISOString()}\n`);
  } catch (error) {
    // A half-built dist/ would be newer than its sources: leave none.
    await removeBuild();
    throw error;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await build().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
