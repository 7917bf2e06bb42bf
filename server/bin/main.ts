/**
 * The `cocode` program: the compiled dist/cocode.js is built from this file, and the bin runs it
 * through tsx when that build is missing or stale.
 */
// Node reads a module's source map when it loads the module, so this comes before the CLI is
// loaded: stack traces of the compiled program then point at the TypeScript sources.
process.setSourceMapsEnabled(true);
const { main } = await import('../cli');
process.exitCode = await main(process.argv.slice(2));

// The global `process`, not `import process from 'node:process'`: building that module's ESM
// facade reads every property of process (the diagnostic report, the flag tables) and costs
// more start-up time than `cocode --help` itself. The empty export makes this file a module
// for TypeScript, which top-level await requires.
export {};
