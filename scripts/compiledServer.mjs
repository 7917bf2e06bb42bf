/**
 * Where the compiled server and CLI live, and whether they still match the TypeScript sources.
 * The `cocode` bin asks this on every start, so it imports nothing but node:fs and node:path and
 * costs one stat per source file; the build script (scripts/buildServer.mjs) writes the manifest
 * it reads.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export const buildManifestName = 'build-manifest.json';
export const compiledEntryName = 'cocode.js';

/**
 * The compiled output sits exactly one folder below the project root: server code finds the root
 * (for client/dist and `npm run build`) as `import.meta.dirname/..`, which holds for server/*.ts
 * and for the bundled dist/*.js alike.
 */
export function compiledServerDir(projectRoot) {
  return path.join(projectRoot, 'dist');
}

export const projectRoot = path.resolve(import.meta.dirname, '..');
export const compiledEntry = path.join(compiledServerDir(projectRoot), compiledEntryName);

/**
 * 'missing' when no complete build exists (the manifest is written last), 'stale' when a file
 * the build read has changed or gone since, 'fresh' otherwise.
 * @returns {'fresh' | 'stale' | 'missing'}
 */
export function compiledServerState(root = projectRoot) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(path.join(compiledServerDir(root), buildManifestName), 'utf8'));
  } catch {
    return 'missing';
  }
  for (const input of manifest.inputs) {
    let modifiedMs;
    try {
      modifiedMs = statSync(path.join(root, input)).mtimeMs;
    } catch {
      return 'stale';
    }
    if (modifiedMs >= manifest.sourcesReadAtMs) return 'stale';
  }
  return 'fresh';
}
