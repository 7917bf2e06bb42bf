/**
 * `cocode import <file>` and `cocode export <projectId>`: a project in or out of a running cocode
 * server through its REST API, so a script moves data the same way the web page does and every
 * rule of the server (authorization, blind mode, limits) applies unchanged.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { exportFormats, type ExportFormat } from '../../shared/api/requests';
import type { ImportedProject } from '../../shared/api/responses';
import type { CommandIo } from './agreementCommand';

const EXIT_OK = 0;
const EXIT_FAILURE = 1;
const EXIT_BAD_INPUT = 2;

export const importUsage = `Usage: cocode import <file> --server URL --token T [--json]

  <file>        a REFI-QDA project (.qdpx), codebook (.qdc) or cocode project file (.json);
                it becomes a new project on the server, owned by the token's account
  --server URL  the cocode server, e.g. https://cocode.example.org
  --token T     an API token (POST /api/auth/tokens); COCODE_TOKEN is read when it is left out,
                which keeps the token out of the process list
  --json        print the server's answer (project and import report) as JSON

Exit codes: 0 imported; 2 bad usage, an unreadable file or a file the server refuses (4xx);
1 the server failed or could not be reached.
`;

export const exportUsage = `Usage: cocode export <projectId> --format F [--out FILE] --server URL --token T
                     [--layer L] [--document ID] [--offsets utf16|codepoints] [--bom]

  --format F    ${exportFormats.join(' | ')}
  --out FILE    write the file here (default: standard output)
  --layer L     all (every layer you may read, default) | consensus | me | a user id
  --document ID only this transcript (required for html)
  --offsets     qdpx selection positions: codepoints (the standard, default) or utf16 (NVivo)
  --bom         csv and codebook-csv: start with a byte order mark, for Excel
  --server, --token as for cocode import (COCODE_TOKEN when --token is left out)

Exit codes: 0 exported; 2 bad usage or a request the server refuses (4xx); 1 the server failed
or could not be reached.
`;

class UsageError extends Error {}

/** A refusal or failure already phrased for the user, with its exit code. */
class CommandError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

interface Connection {
  server: string;
  token: string;
}

const connectionOptions = {
  server: { type: 'string' },
  token: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function connection(values: { server?: string; token?: string }, env: NodeJS.ProcessEnv): Connection {
  if (!values.server) throw new UsageError('missing --server URL');
  let url: URL;
  try {
    url = new URL(values.server);
  } catch {
    throw new UsageError(`--server must be a URL such as http://localhost:3000, got "${values.server}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--server must be an http or https URL, got "${values.server}"`);
  const token = values.token ?? env.COCODE_TOKEN;
  if (!token) throw new UsageError('missing --token T (or COCODE_TOKEN)');
  return { server: url.origin + url.pathname.replace(/\/+$/, ''), token };
}

/** Calls the API; a refusal becomes exit 2 and a failure exit 1, each as one line naming the server's code. */
async function call(target: Connection, apiPath: string, init: RequestInit = {}): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(`${target.server}/api${apiPath}`, { ...init, headers: { authorization: `Bearer ${target.token}`, ...init.headers } });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new CommandError(`cannot reach ${target.server}: ${cause?.code ?? cause?.message ?? (error as Error).message}`, EXIT_FAILURE);
  }
  if (response.ok) return response;
  const text = await response.text();
  let detail = text.slice(0, 200);
  try {
    const { error } = JSON.parse(text) as { error: { code: string; message: string } };
    detail = `${error.message} (${error.code})`;
  } catch {
    // Not the API's JSON (a proxy's page, say): the start of the text says enough.
  }
  throw new CommandError(`the server answered ${response.status}: ${oneLine(detail)}`, response.status < 500 ? EXIT_BAD_INPUT : EXIT_FAILURE);
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/** Runs a command body; usage errors and refusals become one line on stderr and their exit code. */
async function run(name: string, io: CommandIo, body: () => Promise<void>): Promise<number> {
  try {
    await body();
    return EXIT_OK;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`cocode ${name}: ${error.message}. Run cocode ${name} --help.\n`);
      return EXIT_BAD_INPUT;
    }
    if (error instanceof CommandError) {
      io.stderr(`cocode ${name}: ${error.message}\n`);
      return error.exitCode;
    }
    io.stderr(`cocode ${name}: unexpected failure: ${oneLine((error as Error).message)}\n`);
    return EXIT_FAILURE;
  }
}

/**
 * Joins `--name value` into `--name=value` for the string options: a token is base64url and may
 * start with "-", which parseArgs would otherwise refuse as an ambiguous option argument.
 */
function joinStringOptions(argv: string[], options: Record<string, { type: 'string' | 'boolean' }>): string[] {
  const joined: string[] = [];
  for (let index = 0; index < argv.length; index += 1) {
    const name = argv[index].startsWith('--') ? argv[index].slice(2) : null;
    if (name && options[name]?.type === 'string' && index + 1 < argv.length) {
      joined.push(`--${name}=${argv[index + 1]}`);
      index += 1;
    } else joined.push(argv[index]);
  }
  return joined;
}

/** parseArgs' refusals (unknown option, missing value) are usage errors. */
function asUsage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export function runImportCommand(argv: string[], io: CommandIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return run('import', io, async () => {
    const { values, positionals } = asUsage(() =>
      parseArgs({ args: joinStringOptions(argv, connectionOptions), options: { ...connectionOptions, json: { type: 'boolean' } }, allowPositionals: true, strict: true }),
    );
    if (values.help) {
      io.stdout(importUsage);
      return;
    }
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'missing the file to import' : `expected one file, got ${positionals.length}`);
    const target = connection(values, env);
    const file = positionals[0];
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (error) {
      throw new CommandError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, EXIT_BAD_INPUT);
    }
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(bytes)]), path.basename(file));
    const response = await call(target, '/projects/import', { method: 'POST', body: form });
    const imported = (await response.json()) as ImportedProject;
    if (values.json) {
      io.stdout(`${JSON.stringify(imported, null, 2)}\n`);
      return;
    }
    const { project, report } = imported;
    io.stdout(
      `imported "${project.name}" as project ${project.id}: ${report.sources} source(s), ${report.codes} code(s), ${report.codings} coding(s), ` +
        `${report.users} user(s), ${report.notes} memo(s), ${report.offsets} offsets\n`,
    );
    for (const coder of report.coders) io.stdout(`  coder "${coder.name}": ${coder.as} ${coder.userId}\n`);
    for (const item of report.skipped) io.stdout(`  skipped ${item.what}: ${item.why}\n`);
  });
}

export function runExportCommand(argv: string[], io: CommandIo & { stdoutBytes?: (bytes: Uint8Array) => void }, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return run('export', io, async () => {
    const options = {
      ...connectionOptions,
      format: { type: 'string' },
      out: { type: 'string' },
      layer: { type: 'string' },
      document: { type: 'string' },
      offsets: { type: 'string' },
      bom: { type: 'boolean' },
    } as const;
    const { values, positionals } = asUsage(() => parseArgs({ args: joinStringOptions(argv, options), options, allowPositionals: true, strict: true }));
    if (values.help) {
      io.stdout(exportUsage);
      return;
    }
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'missing the project id' : `expected one project id, got ${positionals.length}`);
    const format = values.format;
    if (!format) throw new UsageError('missing --format F');
    if (!(exportFormats as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${exportFormats.join(', ')}, got "${format}"`);
    const target = connection(values, env);
    const query = new URLSearchParams({ format: format as ExportFormat });
    for (const key of ['layer', 'document', 'offsets'] as const) {
      const value = values[key];
      if (value !== undefined) query.set(key, value);
    }
    if (values.bom) query.set('bom', '1');
    const response = await call(target, `/projects/${encodeURIComponent(positionals[0])}/export?${query}`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    const out = values.out;
    if (out === undefined) {
      if (io.stdoutBytes) io.stdoutBytes(bytes);
      else process.stdout.write(bytes);
      return;
    }
    try {
      await writeFile(out, bytes);
    } catch (error) {
      throw new CommandError(`cannot write ${out}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, EXIT_BAD_INPUT);
    }
    io.stderr(`wrote ${out} (${bytes.length} bytes)\n`);
  });
}
