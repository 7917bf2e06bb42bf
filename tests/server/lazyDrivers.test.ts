/**
 * A single instance on the embedded SQLite store starts without the scale-out drivers: the
 * PostgreSQL client and the Redis extension and client are loaded only when DATABASE_URL /
 * REDIS_URL ask for them (together they cost about a second of start-up on a busy machine).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { startChildServer } from '../helpers/childServer';

const folder = mkdtempSync(path.join(tmpdir(), 'cocode-lazy-drivers-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** A module hook that writes down every module URL the server process resolves. */
function recordingHook(log: string): string {
  const hook = path.join(folder, 'recordResolves.mjs');
  writeFileSync(
    hook,
    `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  appendFileSync(${JSON.stringify(log)}, resolved.url + '\\n');
  return resolved;
}
`,
  );
  const register = path.join(folder, 'registerRecordResolves.mjs');
  writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hook).href)});\n`);
  return register;
}

it('cocode serve on SQLite loads neither pg nor the Redis extension nor ioredis', async () => {
  const log = path.join(folder, 'resolved.txt');
  writeFileSync(log, '');
  const register = recordingHook(log);
  const server = await startChildServer(path.join(folder, 'data'), {
    NODE_OPTIONS: `--import=${pathToFileURL(register).href}`,
    DATABASE_URL: '',
    REDIS_URL: '',
  });
  try {
    const health = await fetch(`${server.url}/api/health`);
    expect(health.status).toBe(200);
  } finally {
    server.process.kill('SIGTERM');
    await server.exited;
  }
  const resolved = readFileSync(log, 'utf8').trim().split('\n');
  // The recording works: the server's own HTTP stack was resolved through it.
  expect(resolved.some((url) => /node_modules\/express\//.test(url))).toBe(true);
  expect(resolved.filter((url) => /node_modules\/(pg|pg-[a-z-]+|ioredis|@hocuspocus\/extension-redis|redlock)\//.test(url))).toEqual([]);
}, 60_000);
