#!/usr/bin/env node
// The `cocode` command. The server is TypeScript run through tsx, so no build step stands
// between a fresh clone and a running server.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli.ts');
process.exitCode = await main(process.argv.slice(2));
