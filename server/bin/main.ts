/**
 * The `cocode` program: the compiled dist/cocode.js is built from this file, and the bin runs it
 * through tsx when that build is missing or stale.
 */
import process from 'node:process';

// Node reads a module's source map when it loads the module, so this comes before the CLI is
// loaded: stack traces of the compiled program then point at the TypeScript sources.
process.setSourceMapsEnabled(true);
const { main } = await import('../cli');
process.exitCode = await main(process.argv.slice(2));
