#!/usr/bin/env node
// The `cocode` command. It runs the compiled JavaScript in dist/ that `npm run build` emits
// (`npm start`, `npm test` and `npm ci && npm start` all build it first), so start-up pays
// for no TypeScript transpiling.
//
// When dist/ is missing or older than any source it was built from, this runs the TypeScript
// sources through tsx instead, after a one-line notice, rather than building first: tsx is a
// runtime dependency while esbuild is a dev dependency (absent after `npm ci --omit=dev`), the
// package folder may not be writable by whoever runs `npx cocode`, and the test suite starts
// several servers at once, which would all build into the same folder together. Either way the
// code that runs is the current source, never a stale build.
import { pathToFileURL } from 'node:url';
import { compiledEntry, compiledServerState } from '../../scripts/compiledServer.mjs';

const state = compiledServerState();
if (state === 'fresh') {
  await import(pathToFileURL(compiledEntry).href);
} else {
  const reason = state === 'missing' ? 'has not been built' : 'is older than the sources';
  process.stderr.write(`cocode: the compiled server ${reason}; running the TypeScript sources through tsx (npm run build:server makes start-up fast).\n`);
  const { register } = await import('tsx/esm/api');
  register();
  await import('./main.ts');
}
