/**
 * The compiled server and CLI (scripts/buildServer.mjs → dist/): built in clean copies of the
 * project, so this suite neither reads nor replaces the checkout's own dist/ while other tests
 * start servers from it.
 */
import { type SpawnSyncReturns, spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
/** What the build needs from a checkout; everything else (client, tests, benches) stays behind. */
const projectParts = ['server', 'shared', 'scripts', 'package.json', 'tsconfig.json'];
const staleNotice = /^cocode: the compiled server (has not been built|is older than the sources); running the TypeScript sources through tsx/;

const workDir = mkdtempSync(path.join(tmpdir(), 'cocode-build-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

/** A fresh folder holding the project's sources and a link to its node_modules, without any build. */
function cleanCopy(name: string): string {
  const root = path.join(workDir, name);
  mkdirSync(root);
  for (const part of projectParts) {
    cpSync(path.join(repoRoot, part), path.join(root, part), { recursive: true, filter: (source) => path.basename(source) !== 'dist' });
  }
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  return root;
}

function run(root: string, args: string[], env: Record<string, string> = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
}

function build(root: string, args: string[] = []): SpawnSyncReturns<string> {
  const result = run(root, ['scripts/buildServer.mjs', ...args]);
  if (result.status !== 0) throw new Error(`build failed in ${root}:\n${result.stderr}`);
  return result;
}

const outputOf = (result: SpawnSyncReturns<string>) => ({ status: result.status, stdout: result.stdout, stderr: result.stderr });
const builtFiles = (root: string) => readdirSync(path.join(root, 'dist')).sort();
const manifestOf = (root: string) => JSON.parse(readFileSync(path.join(root, 'dist', 'build-manifest.json'), 'utf8'));

let first: string;
let second: string;
const data: Record<string, string> = {};

beforeAll(() => {
  first = cleanCopy('first');
  second = cleanCopy('second');
  build(first);
  build(second);
  const write = (name: string, content: string) => {
    data[name] = path.join(workDir, name);
    writeFileSync(data[name], content);
  };
  write('ratings.json', JSON.stringify({ level: 'ordinal', data: [[1, 2, 2], [3, 3, 3], [2, 2, null], [1, 1, 2], [4, 3, 4], [null, 2, 2]] }));
  write('ratings.csv', 'unit,ana,ben,cleo\ninterview-1,calm,calm,tense\ninterview-2,tense,tense,tense\ninterview-3,calm,,calm\n');
  write('ragged.json', JSON.stringify({ data: [[1, 2], [1]] }));
}, 120_000);

describe('the build', () => {
  it('is reproducible: two clean copies give byte-identical output, free of machine paths', () => {
    expect(builtFiles(first)).toEqual(builtFiles(second));
    for (const file of builtFiles(first)) {
      if (file === 'build-manifest.json') continue;
      const bytes = readFileSync(path.join(first, 'dist', file));
      expect(bytes.equals(readFileSync(path.join(second, 'dist', file))), file).toBe(true);
      expect(bytes.toString('utf8'), file).not.toContain(workDir);
    }
    expect(manifestOf(first).inputs).toEqual(manifestOf(second).inputs);
  });

  it('bundles only our own code, mapped back to the TypeScript sources', () => {
    const maps = builtFiles(first).filter((file) => file.endsWith('.js.map'));
    expect(maps).toContain('cocode.js.map');
    const sources = maps.flatMap((file) => JSON.parse(readFileSync(path.join(first, 'dist', file), 'utf8')).sources as string[]);
    expect(sources).toContain('../server/cli.ts');
    for (const source of sources) expect(source).toMatch(/^\.\.\/(server|shared)\/[\w/.-]+\.ts$/);
    expect(manifestOf(first).inputs.every((input: string) => !input.includes('node_modules'))).toBe(true);
  });

  it('--if-stale rebuilds only after a source changed', () => {
    const builtAt = manifestOf(first).sourcesReadAtMs;
    expect(build(first, ['--if-stale']).stdout).toBe('');
    expect(manifestOf(first).sourcesReadAtMs).toBe(builtAt);

    const later = new Date(Date.now() + 2_000);
    utimesSync(path.join(first, 'server', 'cli.ts'), later, later);
    expect(build(first, ['--if-stale']).stdout).toMatch(/^Server and CLI compiled to dist\//);
    expect(manifestOf(first).sourcesReadAtMs).toBeGreaterThan(builtAt);
  });

  it('refuses an unknown option', () => {
    const result = run(first, ['scripts/buildServer.mjs', '--watch']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('unknown argument --watch');
  });
});

describe('the compiled CLI', () => {
  const compiled = (args: string[]) => outputOf(run(first, ['dist/cocode.js', ...args]));
  const fromSource = (args: string[]) => outputOf(run(first, ['--import', 'tsx', 'server/bin/main.ts', ...args]));

  it.each([
    ['--help', ['--help']],
    ['agreement --help', ['agreement', '--help']],
    ['an unknown command', ['transcribe']],
  ])('prints the same as the TypeScript sources for %s', (_name, args) => {
    const output = compiled(args);
    expect(output.stdout + output.stderr).toMatch(/cocode/);
    expect(output).toEqual(fromSource(args));
  });

  it.each([
    ['a JSON table', () => [data['ratings.json']]],
    ['JSON with bootstrap intervals', () => [data['ratings.json'], '--json', '--bootstrap', '200', '--seed', '4']],
    ['a wide CSV file', () => [data['ratings.csv'], '--json']],
    ['ragged data', () => [data['ragged.json']]],
    ['a missing file', () => [path.join(workDir, 'absent.json')]],
  ])('computes agreement exactly like the sources on %s', (_name, args) => {
    const argv = ['agreement', ...args()];
    const output = compiled(argv);
    expect(output).toEqual(fromSource(argv));
  });

  it('reports statistics and bad input as the command promises', () => {
    const report = JSON.parse(compiled(['agreement', data['ratings.json'], '--json']).stdout);
    expect(report.statistics.kripp_alpha_ordinal).toEqual(expect.any(Number));
    const ragged = compiled(['agreement', data['ragged.json']]);
    expect(ragged.status).toBe(2);
    expect(ragged.stderr).toMatch(/ragged\.json: row 2: ragged data/);
  });

  it('points stack traces at the TypeScript sources', () => {
    // An invalid PORT fails inside the server's configuration, an error that reaches the top.
    const failed = outputOf(run(first, ['dist/cocode.js', 'serve'], { PORT: 'not-a-port', COCODE_DATA_DIR: path.join(workDir, 'unused-data') }));
    expect(failed.status).not.toBe(0);
    expect(failed.stderr).toMatch(/PORT/);
    expect(failed.stderr).toMatch(/server\/[\w/]+\.ts:\d+:\d+/);
    // Only dist/cocode.js, the four lines that enable source maps, is loaded before they are on.
    expect(failed.stderr).not.toMatch(/dist\/\w+-\w{8}\.js:\d+/);
  });
});

describe('the compiled server', () => {
  it('starts, answers /api/health and serves the web page from client/dist of its project', async () => {
    // dist/ sits one folder below the project root like server/, so the compiled code finds client/dist.
    mkdirSync(path.join(first, 'client', 'dist'), { recursive: true });
    writeFileSync(path.join(first, 'client', 'dist', 'index.html'), '<!doctype html><title>compiled cocode page</title>');
    const server = spawn(process.execPath, ['dist/cocode.js', 'serve'], {
      cwd: first,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', COCODE_DATA_DIR: path.join(workDir, 'server-data'), COCODE_DEMO: '0', COCODE_SERVE_CLIENT: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    server.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    server.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => server.once('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the compiled server did not start:\n${output}`)), 30_000);
        server.stdout.on('data', () => {
          const match = /running at (http:\/\/\S+)/.exec(output);
          if (match) {
            clearTimeout(timer);
            resolve(match[1]);
          }
        });
        exited.then(() => reject(new Error(`the compiled server exited:\n${output}`)));
      });
      expect(await (await fetch(`${url}/api/health`)).json()).toEqual({ ok: true });
      expect(await (await fetch(`${url}/`)).text()).toContain('compiled cocode page');
    } finally {
      server.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});

describe('the cocode bin', () => {
  it('runs the compiled build when it is fresh and the sources, with one notice, when it is stale', () => {
    const fresh = outputOf(run(second, ['server/bin/cocode.mjs', '--help']));
    expect(fresh.status).toBe(0);
    expect(fresh.stderr).toBe('');

    const later = new Date(Date.now() + 2_000);
    utimesSync(path.join(second, 'shared', 'agreement', 'input.ts'), later, later);
    const stale = outputOf(run(second, ['server/bin/cocode.mjs', '--help']));
    expect(stale.stdout).toBe(fresh.stdout);
    expect(stale.stderr).toMatch(staleNotice);
    expect(stale.stderr.trim().split('\n')).toHaveLength(1);

    rmSync(path.join(second, 'dist'), { recursive: true });
    const missing = outputOf(run(second, ['server/bin/cocode.mjs', '--help']));
    expect(missing.stdout).toBe(fresh.stdout);
    expect(missing.stderr).toMatch(/has not been built/);
  });
});

describe('start-up stays lazy', () => {
  let runs = 0;
  /** Every module URL Node resolves while running the compiled CLI with `args`. */
  function modulesLoaded(args: string[]): string[] {
    runs += 1;
    const log = path.join(workDir, `loaded-${runs}.txt`);
    writeFileSync(log, '');
    const hooks = path.join(workDir, 'recordLoads.mjs');
    writeFileSync(
      hooks,
      `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  appendFileSync(${JSON.stringify(log)}, resolved.url + '\\n');
  return resolved;
}
`,
    );
    const register = path.join(workDir, 'registerRecordLoads.mjs');
    writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
    const result = run(first, ['--import', pathToFileURL(register).href, 'dist/cocode.js', ...args]);
    expect(result.status, result.stderr).toBe(0);
    return readFileSync(log, 'utf8').trim().split('\n');
  }
  /** The TypeScript files inside the built modules among `urls`, read from their source maps. */
  const builtSources = (urls: string[]) =>
    urls
      .filter((url) => url.startsWith('file:') && fileURLToPath(url).startsWith(path.join(first, 'dist')))
      .flatMap((url) => JSON.parse(readFileSync(`${fileURLToPath(url)}.map`, 'utf8')).sources as string[]);
  const serverOrEngine = /^\.\.\/(server\/app\.ts|server\/services?\b|server\/storage\/|server\/collab\/|shared\/agreement\/)/;

  it('cocode --help loads no npm package, no server and no agreement engine', () => {
    const loaded = modulesLoaded(['--help']);
    expect(loaded.filter((url) => url.includes('node_modules'))).toEqual([]);
    const sources = builtSources(loaded);
    expect(sources).toContain('../server/cli.ts');
    expect(sources.filter((source) => serverOrEngine.test(source) || source === '../server/cli/agreementCommand.ts')).toEqual([]);
  });

  it('cocode agreement on reliability data loads the agreement engine, and no server or project-file reader', () => {
    const loaded = modulesLoaded(['agreement', data['ratings.json'], '--json']);
    const sources = builtSources(loaded);
    expect(sources).toContain('../server/cli/agreementCommand.ts');
    expect(sources).toContain('../shared/agreement/coded/index.ts');
    expect(sources).not.toContain('../server/app.ts');
    expect(loaded.filter((url) => /node_modules\/(@hocuspocus|better-sqlite3|express|pg|ioredis|fflate|fast-xml-parser)\//.test(url))).toEqual([]);
  });
});
