/**
 * `cocode agreement` with data from one coder (every input format: exit 2, one line naming the file,
 * the printed report's diagnostics saying the same), and `--alpha-interval`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { agreementUsage, runAgreementCommand } from '../../server/cli/agreementCommand';
import { computeCodedAgreement } from '../../shared/agreement/coded';
import { computeUnitizedAgreement } from '../../shared/agreement/unitized/index';
import type { ExchangeProject } from '../../server/exchange/model';
import { writeQdpx } from '../../server/exchange/refi/index';

const folder = mkdtempSync(path.join(tmpdir(), 'cocode-agreement-coders-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function writeInput(name: string, content: string | Uint8Array): string {
  const file = path.join(folder, name);
  writeFileSync(file, content);
  return file;
}

async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runAgreementCommand(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  return { code, stdout, stderr };
}

/** A project in which only Ines coded (the lead's consensus coding is nobody's layer). */
function oneCoderProject(): ExchangeProject {
  const code = { id: 'trust', name: 'trust', parentId: null, order: 0, color: '#336699', definition: '', inclusion: '', exclusion: '', example: '', archived: false };
  const coding = (id: string, start: number, end: number, layer: ExchangeProject['codings'][number]['layer']) => ({
    id,
    sourceId: 'interview',
    layer,
    codeId: 'trust',
    start,
    end,
    memo: '',
    createdAt: '2024-03-01T00:00:00.000Z',
    createdBy: 'ines',
  });
  return {
    name: 'Solo',
    blind: true,
    users: [{ id: 'ines', name: 'Ines' }, { id: 'lead', name: 'Lead' }],
    codes: [code],
    sources: [{ id: 'interview', title: 'Interview', turns: [{ speaker: 'P1', timestamp: null, text: 'we trusted the new board from day one' }], attributes: {} }],
    codings: [
      coding('c1', 0, 10, { kind: 'coder', userId: 'ines' }),
      coding('c2', 15, 24, { kind: 'coder', userId: 'ines' }),
      coding('c3', 0, 10, { kind: 'consensus' }),
    ],
  };
}

const oneCoderFiles: Record<string, { file: string; coder: string }> = {
  'reliability JSON': { file: writeInput('solo.json', JSON.stringify({ level: 'ordinal', data: [[1], [2], [2], [3]] })), coder: 'coder 1' },
  'reliability JSON with an empty second column': {
    file: writeInput('solo-empty-column.json', JSON.stringify({ level: 'nominal', data: [[1, null], [2, null], [1, null]] })),
    coder: 'coder 1',
  },
  'wide CSV': { file: writeInput('solo-wide.csv', 'unit,maria\nu1,a\nu2,b\nu3,a\n'), coder: 'maria' },
  'long CSV': { file: writeInput('solo-long.csv', 'unit,coder,value\nu1,maria,a\nu2,maria,b\n'), coder: 'maria' },
  'unitized JSON': {
    file: writeInput(
      'solo-unitized.json',
      JSON.stringify({ continuum: { begin: 0, end: 50 }, data: [{ coder: 'jo', start: 0, end: 10, code: 'x' }, { coder: 'jo', start: 20, end: 30, code: 'y' }] }),
    ),
    coder: 'jo',
  },
  'REFI-QDA project': { file: writeInput('solo.qdpx', writeQdpx(oneCoderProject())), coder: 'Ines' },
};

describe('cocode agreement with one coder', () => {
  for (const [format, { file, coder }] of Object.entries(oneCoderFiles)) {
    it(`exits 2 with one line naming the file and the coder: ${format}`, async () => {
      const { code, stdout, stderr } = await run([file]);
      expect(code).toBe(2);
      expect(stderr.endsWith('\n')).toBe(true);
      expect(stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(stderr).toContain(`cocode agreement: ${file}: `);
      expect(stderr).toContain('at least two coders');
      expect(stderr).toContain(`only ${coder} `);
      // The table is still printed, with the reason every value is undefined.
      expect(stdout).toMatch(/\[error\] too_few_coders: .*at least two coders/);
    });
  }

  it('--json prints the report with the too_few_coders error and still exits 2', async () => {
    const { code, stdout, stderr } = await run([oneCoderFiles['wide CSV'].file, '--json', '--bootstrap', '100']);
    expect(code).toBe(2);
    expect(stderr).toContain('at least two coders');
    const report = JSON.parse(stdout);
    expect(report.statistics.kripp_alpha_nominal).toBeNull();
    const tooFew = report.diagnostics.filter((item: { kind: string }) => item.kind === 'too_few_coders');
    expect(tooFew).toEqual([
      expect.objectContaining({ severity: 'error', value: 1, measure: 'coders', subject: { coder: 'maria' } }),
    ]);
  });

  it('the engines say too_few_coders when no coder gave a value (files like that are refused before)', () => {
    const coded = computeCodedAgreement([[null, null], [null, null]]).diagnostics.filter((item) => item.kind === 'too_few_coders');
    expect(coded).toEqual([expect.objectContaining({ severity: 'error', value: 0, message: expect.stringContaining('no coder gave any value') })]);
    const unitized = computeUnitizedAgreement({ continuum: { begin: 0, end: 10 }, data: [] }).diagnostics.filter((item) => item.kind === 'too_few_coders');
    expect(unitized).toEqual([expect.objectContaining({ severity: 'error', value: 0, message: expect.stringContaining('no coder has a segment') })]);
  });

  it('two coders exit 0, also when one of them used a code the other never did (--unit)', async () => {
    const file = writeInput(
      'pair-unitized.json',
      JSON.stringify({
        continuum: { begin: 0, end: 40 },
        data: [
          { coder: 'jo', start: 0, end: 10, code: 'x' },
          { coder: 'kim', start: 2, end: 10, code: 'x' },
          { coder: 'kim', start: 20, end: 30, code: 'only-kim' },
        ],
      }),
    );
    const { code, stderr } = await run([file, '--unit', 'window:10']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});

describe('cocode agreement --alpha-interval', () => {
  const ratings = writeInput(
    'three-coders.json',
    JSON.stringify({
      level: 'nominal',
      data: Array.from({ length: 40 }, (_, unit) => [(unit % 3) + 1, unit % 5 === 0 ? ((unit + 1) % 3) + 1 : (unit % 3) + 1, unit % 7 === 0 ? null : (unit % 3) + 1]),
    }),
  );

  it('resamples units for alpha by default and labels the interval so', async () => {
    const { code, stdout } = await run([ratings, '--json', '--bootstrap', '200', '--seed', '3']);
    expect(code).toBe(0);
    const alpha = JSON.parse(stdout).intervals.kripp_alpha_nominal;
    expect(alpha.method).toBe('unit_resampling');
    expect(Object.keys(alpha.probabilityBelow)).toEqual(['0.667', '0.800']);
  });

  it('hayes-krippendorff gives the pairs interval, labelled, with q, and leaves the other coefficients alone', async () => {
    const units = JSON.parse((await run([ratings, '--json', '--bootstrap', '200', '--seed', '3', '--alpha-interval', 'units'])).stdout).intervals;
    const pairs = JSON.parse((await run([ratings, '--json', '--bootstrap', '200', '--seed', '3', '--alpha-interval', 'hayes-krippendorff'])).stdout).intervals;
    expect(pairs.kripp_alpha_nominal.method).toBe('hayes_krippendorff_pairs');
    expect(pairs.kripp_alpha_nominal.probabilityBelow).toBeDefined();
    expect(pairs.kripp_alpha_nominal).not.toEqual(units.kripp_alpha_nominal);
    expect(pairs.gwet_ac1.method).toBe('unit_resampling');
  });

  it('the table shows q for the chosen alpha interval', async () => {
    const { stdout } = await run([ratings, '--bootstrap', '200', '--alpha-interval', 'hayes-krippendorff']);
    expect(stdout).toMatch(/kripp_alpha_nominal .*95% \[.*\]\s+P\(<\.667\)=\d\.\d{3}\s+P\(<\.800\)=\d\.\d{3}/);
  });

  it('refuses an unknown method and a method without --bootstrap, naming the option', async () => {
    const unknown = await run([ratings, '--bootstrap', '100', '--alpha-interval', 'pairs']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('cocode agreement: --alpha-interval must be units or hayes-krippendorff, got "pairs". Run cocode agreement --help.\n');
    const alone = await run([ratings, '--alpha-interval', 'units']);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain('--alpha-interval only applies together with --bootstrap N');
  });

  it('is in the usage text', () => {
    expect(agreementUsage).toContain('--alpha-interval M');
    expect(agreementUsage).toContain('hayes-krippendorff');
  });
});
