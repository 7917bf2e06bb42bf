/**
 * `cocode import` and `cocode export` against a live server, their exit codes, and `cocode
 * agreement` on an exported .qdpx giving the alpha of the server's agreement report.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../server/cli';
import { runAgreementCommand } from '../../../server/cli/agreementCommand';
import { runExportCommand, runImportCommand } from '../../../server/cli/transferCommands';
import { type TestServer, startTestServer } from '../../helpers/server';
import { type CodedProject, codedProject, download } from './fixtures';

let server: TestServer;
let coded: CodedProject;
let folder: string;

beforeAll(async () => {
  server = await startTestServer();
  coded = await codedProject(server);
  folder = mkdtempSync(path.join(tmpdir(), 'cocode-transfer-'));
});
afterAll(async () => {
  await server.dispose();
  rmSync(folder, { recursive: true, force: true });
});

function capture() {
  const out = { stdout: '', stderr: '', bytes: [] as Uint8Array[] };
  return {
    out,
    io: {
      stdout: (text: string) => {
        out.stdout += text;
      },
      stderr: (text: string) => {
        out.stderr += text;
      },
      stdoutBytes: (bytes: Uint8Array) => {
        out.bytes.push(bytes);
      },
    },
  };
}

/** A port nothing listens on: bound by the system, then released. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

const connection = () => ['--server', server.url, '--token', coded.owner.token];

async function exportedQdpx(): Promise<string> {
  const file = path.join(folder, `study-${Date.now()}.qdpx`);
  writeFileSync(file, (await download(coded.owner.api, `/projects/${coded.projectId}/export?format=qdpx`)).bytes);
  return file;
}

describe('cocode import and export', () => {
  it('imports a file into a new project and exports it again', async () => {
    const { out, io } = capture();
    expect(await runImportCommand([await exportedQdpx(), ...connection()], io)).toBe(0);
    const id = /as project ([0-9a-f-]{36})/.exec(out.stdout)?.[1];
    expect(out.stdout).toMatch(/^imported "Study" as project [0-9a-f-]{36}: 2 source\(s\), 4 code\(s\), 8 coding\(s\), 3 user\(s\), 3 memo\(s\), codepoints offsets\n/);
    expect(out.stdout).toContain('  coder "coder 0": placeholder ');
    expect((await coded.owner.api.get('/projects')).body.map((project: { id: string }) => project.id)).toContain(id);

    const target = path.join(folder, 'again.json');
    const exported = capture();
    expect(await runExportCommand([String(id), '--format', 'json', '--out', target, ...connection()], exported.io)).toBe(0);
    expect(exported.out.stderr).toMatch(/^wrote .*again\.json \(\d+ bytes\)\n$/);
    const file = JSON.parse(readFileSync(target, 'utf8'));
    expect(file.project.codings).toHaveLength(8);

    // To standard output, with the token from the environment instead of the command line.
    const toStdout = capture();
    const env = { COCODE_TOKEN: coded.owner.token };
    expect(await runExportCommand([coded.projectId, '--format', 'codebook-csv', '--server', server.url], toStdout.io, env)).toBe(0);
    expect(new TextDecoder().decode(toStdout.out.bytes[0])).toMatch(/^id,name,path,parent,colour/);
  });

  it('is reached through the cocode command line', async () => {
    const target = path.join(folder, 'through-main.csv');
    expect(await main(['export', coded.projectId, '--format', 'csv', '--out', target, ...connection()])).toBe(0);
    expect(readFileSync(target, 'utf8').split('\r\n')[0]).toMatch(/^document,role,site,speaker/);
  });

  it('exits 2 with one line on bad usage, bad input or a refusal, and 1 when the server cannot be reached', async () => {
    const bad = path.join(folder, 'broken.json');
    writeFileSync(bad, '{"format": "cocode-project"');
    const cases: [string, () => Promise<number>, number, RegExp][] = [];
    const run = (name: string, command: typeof runImportCommand, argv: string[], code: number, message: RegExp) => {
      const { out, io } = capture();
      cases.push([name, async () => ((await command(argv, io, {})) === code && message.test(out.stderr) && out.stderr.split('\n').length === 2 ? code : -1), code, message]);
    };
    run('no server', runImportCommand, [bad, '--token', 't'], 2, /^cocode import: missing --server URL\. Run cocode import --help\.\n$/);
    run('no token', runImportCommand, [bad, '--server', server.url], 2, /missing --token T \(or COCODE_TOKEN\)/);
    run('unknown option', runImportCommand, [bad, '--colour', ...connection()], 2, /Unknown option '--colour'/);
    run('missing file', runImportCommand, [path.join(folder, 'nope.qdpx'), ...connection()], 2, /cannot read .*nope\.qdpx: ENOENT/);
    run('bad JSON', runImportCommand, [bad, ...connection()], 2, /the server answered 400: the file is not JSON: .* \(malformed_json\)/);
    run('wrong token', runImportCommand, [bad, '--server', server.url, '--token', 'not-a-token'], 2, /the server answered 401: .* \(unauthorized\)/);
    // Tokens are base64url: one may start with "-" and must still be taken as the option's value.
    run('token starting with a dash', runImportCommand, [bad, '--server', server.url, '--token', '-dash-token'], 2, /the server answered 401: .* \(unauthorized\)/);
    run('unknown format', runExportCommand, [coded.projectId, '--format', 'pdf', ...connection()], 2, /--format must be one of qdpx, qdc, csv/);
    run('unknown project', runExportCommand, ['no-such-project', '--format', 'json', ...connection()], 2, /the server answered 404: no project no-such-project \(not_found\)/);
    const closedPort = await freePort();
    run('unreachable server', runExportCommand, [coded.projectId, '--format', 'json', '--server', `http://127.0.0.1:${closedPort}`, '--token', 't'], 1, /cannot reach http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/);
    for (const [name, check, code] of cases) expect([name, await check()]).toEqual([name, code]);
  });

  it('[G5] cocode agreement on an exported .qdpx gives the uα of the project agreement report', async () => {
    const { out, io } = capture();
    expect(await runAgreementCommand([await exportedQdpx(), '--json'], io)).toBe(0);
    const cli = JSON.parse(out.stdout).statistics;
    const report = await coded.owner.api.get(`/projects/${coded.projectId}/agreement`);
    expect(report.status).toBe(200);
    const server = report.body.overall.unitized;
    expect(typeof server.u_alpha).toBe('number');
    expect(cli.u_alpha).toBeCloseTo(server.u_alpha, 12);
    expect(cli.binary_u_alpha).toBeCloseTo(server.binary_u_alpha, 12);
  });
});
