#!/usr/bin/env node
/**
 * `npm run build:server` (also the last step of `npm run build`): bundles our own server and CLI
 * code into dist/ as plain ESM JavaScript for Node 20, starting from the one file the `cocode`
 * bin runs (server/bin/main.ts), so moving or adding files under server/ and shared/ needs no
 * change here. Every npm package stays an import: better-sqlite3 is native, the rest is already
 * JavaScript, and bundling them would only duplicate node_modules. Each dynamic import becomes its
 * own chunk, which keeps `cocode --help` from loading the server or the agreement engine.
 *
 * `--if-stale` builds only when dist/ is missing or older than a source (`npm start`, benches).
 * Without esbuild (a production install omits dev dependencies) it says so and exits 0: the bin
 * then runs the TypeScript sources through tsx.
 */
import { chmodSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildManifestName, compiledEntryName, compiledServerDir, compiledServerState, projectRoot } from './compiledServer.mjs';

const entryPoint = 'server/bin/main.ts';
/** Changing how the build is made must also make an existing build stale. */
const buildFiles = [path.relative(projectRoot, fileURLToPath(import.meta.url)), 'scripts/compiledServer.mjs'];

/** Builds dist/ from scratch and returns the project-relative files it was built from. */
export async function buildServer() {
  const esbuild = await import('esbuild');
  const outDir = compiledServerDir(projectRoot);
  // Built beside dist/ (same depth, so source-map paths come out identical) and swapped in whole:
  // a cocode process starting meanwhile finds the previous build or none, never half of one.
  const stagingDir = mkdtempSync(path.join(projectRoot, '.dist-building-'));
  try {
    // mkdtemp makes a private folder; the build is for every user who may run cocode.
    chmodSync(stagingDir, 0o755);
    const sourcesReadAtMs = Date.now();
    const result = await esbuild.build({
      absWorkingDir: projectRoot,
      entryPoints: [{ in: entryPoint, out: path.basename(compiledEntryName, '.js') }],
      outdir: stagingDir,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      // Maps only need positions to turn stack traces back into TypeScript lines; the sources are
      // in the project, so embedding them would only make every start read more.
      sourcemap: 'linked',
      sourcesContent: false,
      metafile: true,
      logLevel: 'warning',
    });
    const inputs = [...Object.keys(result.metafile.inputs), ...buildFiles].sort();
    // Written last: a build that failed half-way has no manifest and counts as missing.
    writeFileSync(path.join(stagingDir, buildManifestName), `${JSON.stringify({ sourcesReadAtMs, inputs }, null, 2)}\n`);
    const previousDir = `${stagingDir}-previous`;
    let hadPrevious = true;
    try {
      renameSync(outDir, previousDir);
    } catch (error) {
      if (error.code !== 'ENOENT') throw error;
      hadPrevious = false;
    }
    renameSync(stagingDir, outDir);
    if (hadPrevious) rmSync(previousDir, { recursive: true, force: true });
    return inputs;
  } finally {
    rmSync(stagingDir, { recursive: true, force: true });
  }
}

async function esbuildInstalled() {
  try {
    await import('esbuild');
    return true;
  } catch (error) {
    if (error.code === 'ERR_MODULE_NOT_FOUND') return false;
    throw error;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const unknown = process.argv.slice(2).filter((argument) => argument !== '--if-stale');
  if (unknown.length > 0) {
    console.error(`buildServer: unknown argument ${unknown.join(' ')}; the only option is --if-stale`);
    process.exit(2);
  }
  if (process.argv.includes('--if-stale')) {
    const state = compiledServerState();
    if (state === 'fresh') process.exit(0);
    if (!(await esbuildInstalled())) {
      console.error(`cocode: compiled server ${state}, and esbuild is not installed to build it; cocode will run the TypeScript sources through tsx.`);
      process.exit(0);
    }
  }
  const startMs = performance.now();
  let inputs;
  try {
    inputs = await buildServer();
  } catch (error) {
    // esbuild has printed each error with its file and line already.
    if (!Array.isArray(error.errors)) throw error;
    console.error(`buildServer: the server and CLI did not compile (${error.errors.length} error(s) above); dist/ is unchanged.`);
    process.exit(1);
  }
  console.log(`Server and CLI compiled to dist/ from ${inputs.length} files in ${Math.round(performance.now() - startMs)} ms.`);
}
