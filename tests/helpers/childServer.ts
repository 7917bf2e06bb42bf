/** A cocode server in its own process, so a test can SIGKILL it mid-session. */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../../server/bin/cocode.mjs', import.meta.url));

export interface ChildServer {
  url: string;
  wsUrl: string;
  process: ChildProcess;
  output: () => string;
  /** Resolves with the exit code (or signal) once the process is gone. */
  exited: Promise<number | NodeJS.Signals | null>;
}

export async function startChildServer(dataDir: string, env: Record<string, string> = {}): Promise<ChildServer> {
  const child = spawn(process.execPath, [cli, 'serve'], {
    cwd: path.dirname(cli),
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      COCODE_DATA_DIR: dataDir,
      COCODE_SERVE_CLIENT: '0',
      COCODE_DEMO: '0',
      COCODE_OPEN_REGISTRATION: '1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? code)),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /running at (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    exited.then(() => reject(new Error(`server exited before it started:\n${output}`)));
  });
  return { url, wsUrl: `${url.replace(/^http/, 'ws')}/collab`, process: child, output: () => output, exited };
}
