/** `cocode agreement project.qdpx`: a REFI-QDA project's coder layers as unitized data. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAgreementCommand } from '../../../server/cli/agreementCommand';
import type { ExchangeCoding, ExchangeProject } from '../../../server/exchange/model';
import { writeQdpx } from '../../../server/exchange/refi/index';
import { zip } from './fixtures';

const folder = mkdtempSync(path.join(tmpdir(), 'cocode-agreement-qdpx-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runAgreementCommand(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  return { code, stdout, stderr };
}

// Two sources of 30 characters each ("P1: " labels are not part of the canonical text).
const first = 'abcdefghij klmnopqrst uvwxyz12';
const second = 'second source has thirty chars';
const segments: [string, number, string, number, number][] = [
  ['Ana', 0, 'enabler', 0, 10],
  ['Ben', 0, 'enabler', 2, 10],
  ['Ana', 0, 'barrier', 11, 21],
  ['Ben', 0, 'barrier', 11, 21],
  ['Ana', 1, 'enabler', 0, 6],
  ['Ben', 1, 'barrier', 7, 13],
];

function project(): ExchangeProject {
  const coding = ([coder, source, code, start, end]: (typeof segments)[number], index: number): ExchangeCoding => ({
    id: `k${index}`,
    sourceId: `s${source}`,
    layer: { kind: 'coder', userId: coder },
    codeId: code,
    start,
    end,
    memo: '',
    createdAt: '2024-01-01T00:00:00.000Z',
    createdBy: coder,
  });
  const code = (id: string, order: number) => ({ id, name: id, parentId: null, order, color: '#123456', definition: '', inclusion: '', exclusion: '', example: '', archived: false });
  return {
    name: 'Agreement',
    blind: true,
    users: [
      { id: 'Ana', name: 'Ana' },
      { id: 'Ben', name: 'Ben' },
      { id: 'Lead', name: 'Lead' },
    ],
    codes: [code('enabler', 0), code('barrier', 1)],
    sources: [
      { id: 's0', title: 'One', turns: [{ speaker: 'P1', timestamp: null, text: first }], attributes: {} },
      { id: 's1', title: 'Two', turns: [{ speaker: 'P2', timestamp: null, text: second }], attributes: {} },
    ],
    codings: [
      ...segments.map(coding),
      // The consensus layer is nobody's coding and must not count as a third coder.
      { ...coding(['Lead', 0, 'enabler', 0, 10], 99), layer: { kind: 'consensus' } },
    ],
  };
}

const qdpx = path.join(folder, 'project.qdpx');
writeFileSync(qdpx, writeQdpx(project()));
const equivalentJson = path.join(folder, 'same.json');
writeFileSync(
  equivalentJson,
  JSON.stringify({
    continuum: { begin: 0, end: 60 },
    data: segments.map(([coder, source, code, start, end]) => ({ coder, code, start: start + 30 * source, end: end + 30 * source })),
  }),
);

describe('cocode agreement project.qdpx', () => {
  it('prints the same statistics as the equivalent unitized JSON, sources end to end', async () => {
    const fromProject = await run([qdpx, '--json']);
    const fromJson = await run([equivalentJson, '--json']);
    expect(fromProject.code).toBe(0);
    expect(fromProject.stderr).toBe('');
    const statistics = JSON.parse(fromProject.stdout).statistics;
    expect(statistics).toEqual(JSON.parse(fromJson.stdout).statistics);
    expect(statistics.coders).toEqual(['Ana', 'Ben']);
    expect(statistics.continuum_length).toBe(60);
  });

  it('--unit document makes each source one unit; windows do not cross sources', async () => {
    const documents = JSON.parse((await run([qdpx, '--json', '--unit', 'document'])).stdout).statistics.coded_units;
    expect(documents).toMatchObject({ unit: 'document', units: 2 });
    // Both coders used both codes in source One; in Two, only Ana enabler and only Ben barrier.
    expect(documents.by_code.enabler.percent_agreement_pairwise).toBeCloseTo(0.5, 12);
    const windows = JSON.parse((await run([qdpx, '--json', '--unit', 'window:20'])).stdout).statistics.coded_units;
    // [0,20) [20,30) per 30-character source: 4 units, not the 3 a 60-character continuum would give.
    expect(windows).toMatchObject({ unit: 'window:20', units: 4 });
  });

  it('names the sources and the left-out consensus codings in the table heading', async () => {
    const { code, stdout } = await run([qdpx]);
    expect(code).toBe(0);
    expect(stdout.split('\n')[0]).toBe(`${qdpx}: unitized, continuum [0, 60), 6 segments (2 source(s), codepoints offsets, 1 consensus coding(s) left out)`);
  });

  it('exits 2 with the refusal for a broken .qdpx', async () => {
    const broken = path.join(folder, 'broken.qdpx');
    writeFileSync(broken, zip({ 'project.qde': '<!DOCTYPE x><Project name="x"/>' }));
    const { code, stderr } = await run([broken]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^cocode agreement: .*broken\.qdpx: the XML contains a DOCTYPE.*\(xml_doctype\)\n$/);
  });
});
