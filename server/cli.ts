/** The `cocode` command line: `cocode serve`, `cocode agreement …`, `cocode --help`. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from './config';

const usage = `cocode: code interview transcripts together

Usage:
  cocode serve                 run the server (web page, REST API under /api, websocket under /collab)
  cocode agreement <file> …    intercoder agreement for a data file (cocode agreement --help)
  cocode import <file> …       a .qdpx, .qdc or .json file into a new project on a server (cocode import --help)
  cocode export <projectId> …  a project from a server as qdpx, qdc, csv, codebook-csv, json or html (cocode export --help)
  cocode --help                this text

Environment (serve):
  PORT                      port to listen on (default 3000)
  HOST                      address to bind (default 0.0.0.0)
  COCODE_DATA_DIR           folder of the embedded SQLite store (default ./data)
  COCODE_OPEN_REGISTRATION  1 = anyone may register (default: first account, then invitations only)
  COCODE_DEMO               0 = do not create the demo project on first start
  COCODE_SERVE_CLIENT       0 = API and websocket only, no web page
`;

const io = {
  stdout: (text: string) => process.stdout.write(text),
  stderr: (text: string) => process.stderr.write(text),
};

async function serve(): Promise<number> {
  const { startCocodeServer } = await import('./app');
  const { randomDemoPassword, seedDemoProject } = await import('./demo');
  const config = loadConfig();
  if (config.serveClient) ensureClientBuilt(config.clientDistDir);
  const server = await startCocodeServer(config);
  console.log(`cocode is running at ${server.url}  (data: ${config.dataDir})`);
  if (config.seedDemo) {
    const demo = await seedDemoProject(server.services, server.storage.relational, config.demoPassword ?? randomDemoPassword());
    if (demo) {
      console.log(`Demo project "${demo.projectName}" created. Sign in with:`);
      for (const account of demo.accounts) console.log(`  ${account.email}  /  ${account.password}   (${account.role})`);
    }
  }
  const exitCode = await new Promise<number>((resolve) => {
    const stop = (signal: string) => {
      console.log(`${signal}: closing connections and compacting documents…`);
      server.close().then(
        () => resolve(0),
        (error) => {
          console.error(error);
          resolve(1);
        },
      );
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  // Everything is flushed and closed; timers of libraries (store debouncers, ioredis) must not
  // keep a stopped server alive.
  process.exit(exitCode);
}

/** `npm start` works from a fresh clone: build the page once when it has not been built. */
function ensureClientBuilt(distDir: string): void {
  if (existsSync(path.join(distDir, 'index.html'))) return;
  console.log('Building the web client (first start)…');
  const root = path.resolve(import.meta.dirname, '..');
  const result = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('building the web client failed; run `npm run build` to see why');
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      io.stdout(usage);
      return 0;
    case 'serve':
      return serve();
    case 'agreement': {
      // Loaded on demand like the server, so `cocode --help` starts without the agreement engine.
      const { runAgreementCommand } = await import('./cli/agreementCommand');
      return runAgreementCommand(rest, io);
    }
    case 'import': {
      const { runImportCommand } = await import('./cli/transferCommands');
      return runImportCommand(rest, io);
    }
    case 'export': {
      const { runExportCommand } = await import('./cli/transferCommands');
      return runExportCommand(rest, io);
    }
    default:
      io.stderr(`cocode: unknown command "${command}". Run cocode --help.\n`);
      return 2;
  }
}
