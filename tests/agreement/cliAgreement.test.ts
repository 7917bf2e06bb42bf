import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAgreementCommand } from '../../server/cli/agreementCommand';

const folder = mkdtempSync(path.join(tmpdir(), 'cocode-agreement-cli-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function writeInput(name: string, content: string): string {
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

const canonical = writeInput(
  'canonical.json',
  JSON.stringify({
    level: 'interval',
    data: [
      [1, 1, null, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3], [2, 2, 2, 2], [1, 2, 3, 4],
      [4, 4, 4, 4], [1, 1, 2, 1], [2, 2, 2, 2], [null, 5, 5, 5], [null, null, 1, 1], [null, null, 3, null],
    ],
  }),
);

describe('cocode agreement', () => {
  it('--json prints only the JSON report', async () => {
    const { code, stdout, stderr } = await run([canonical, '--json']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const report = JSON.parse(stdout);
    expect(Object.keys(report)).toEqual(['statistics', 'diagnostics', 'intervals']);
    // Krippendorff's published value for his canonical example.
    expect(report.statistics.kripp_alpha_interval).toBeCloseTo(0.849107142857143, 12);
    expect(report.diagnostics.map((d: { kind: string }) => d.kind)).toContain('too_few_units');
    expect(report.intervals).toEqual({});
  });

  it('--bootstrap N --seed S adds reproducible intervals', async () => {
    const first = JSON.parse((await run([canonical, '--json', '--bootstrap', '200', '--seed', '9'])).stdout);
    const second = JSON.parse((await run([canonical, '--json', '--bootstrap', '200', '--seed', '9'])).stdout);
    expect(first.intervals.kripp_alpha_interval.draws).toBe(200);
    expect(first.intervals.kripp_alpha_interval.seed).toBe(9);
    expect(first.intervals).toEqual(second.intervals);
  });

  it('--level overrides the file level', async () => {
    const report = JSON.parse((await run([canonical, '--json', '--level', 'nominal'])).stdout);
    expect(report.statistics.kripp_alpha_nominal).toBeCloseTo(0.743421052631579, 12);
    expect(report.statistics).not.toHaveProperty('kripp_alpha_interval');
  });

  it('prints an aligned table with the diagnostics below it', async () => {
    const { code, stdout } = await run([canonical]);
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toContain('12 units × 4 coders, interval data');
    const tableLines = lines.slice(2, lines.indexOf('', 2));
    expect(tableLines[0]).toMatch(/^statistic\s+value\s+interval$/);
    const alphaLine = tableLines.find((line) => line.startsWith('kripp_alpha_interval '));
    expect(alphaLine).toMatch(/ 0\.8491$/);
    // Values are right-aligned in one column.
    const valueEnds = new Set(tableLines.slice(1).map((line) => line.length));
    expect(valueEnds.size).toBe(1);
    expect(lines.indexOf('Diagnostics:')).toBeGreaterThan(lines.indexOf(tableLines[tableLines.length - 1]));
    expect(stdout).toMatch(/\[warning\] too_few_units: Only 11 unit\(s\)/);
  });

  it('reads CSV (wide, with coder names in the diagnostics)', async () => {
    const rows = ['unit,Ana,Ben', ...Array.from({ length: 40 }, (_, u) => `u${u},${u % 3},${u === 0 ? 1 : u % 3}`), 'u40,1,', ''];
    const file = writeInput('wide.csv', rows.join('\n'));
    const report = JSON.parse((await run([file, '--json'])).stdout);
    expect(report.statistics.cohen_kappa).toBeGreaterThan(0.9);
    expect(report.diagnostics.find((d: { kind: string }) => d.kind === 'unpairable_units_dropped')?.value).toBe(1);
  });

  it('runs unitized files through the unitized engine', async () => {
    const file = writeInput(
      'segments.json',
      JSON.stringify({
        continuum: { begin: 0, end: 20 },
        data: [
          { coder: 'Alex', start: 2, end: 5, code: '1' },
          { coder: 'Alex', start: 9, end: 11, code: '1' },
          { coder: 'Alex', start: 12, end: 20, code: '2' },
          { coder: 'Paul', start: 2, end: 5, code: '1' },
          { coder: 'Paul', start: 7, end: 15, code: '2' },
          { coder: 'Susan', start: 2, end: 5, code: '1' },
          { coder: 'Susan', start: 10, end: 15, code: '2' },
        ],
      }),
    );
    const { code, stdout } = await run([file, '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    // The worked example quoted in agreement-methods §4.2b: uα 0.473913.
    expect(report.statistics.u_alpha).toBeCloseTo(0.473913, 6);
    expect(report.intervals).toEqual({});
  });

  describe('bad input: exit 2, one line naming the problem, nothing on stdout', () => {
    const ragged = writeInput('ragged.json', '{"data": [[1, 2], [1, 2], [3]]}');
    const badCsv = writeInput('bad.csv', 'Ana,Ben\n1,2\n3,lots\n');
    const malformed = writeInput('broken.json', '{"data": [[1, 2]');
    const empty = writeInput('empty.csv', '');
    const badSegment = writeInput('seg.json', '{"continuum": {"begin": 0, "end": 10}, "data": [{"coder": "A", "start": 4, "end": 2, "code": "x"}]}');

    it.each([
      ['ragged rows', [ragged], `${ragged}: row 3: ragged data: this row has 1 value(s) but row 1 has 2`],
      ['non-numeric interval value', [badCsv, '--level', 'interval'], `${badCsv}: row 3, column 2 ("Ben"): non-numeric value "lots" in interval data`],
      ['malformed JSON', [malformed], `${malformed}: malformed JSON:`],
      ['empty CSV', [empty], `${empty}: the CSV file is empty`],
      ['bad segment', [badSegment], `${badSegment}: row 1, field "end": segment end (2) must be greater than start (4)`],
      ['unknown level', [ragged, '--level', 'nominl'], 'unknown level "nominl"'],
      ['missing file', [path.join(folder, 'absent.json')], `cannot read ${path.join(folder, 'absent.json')}: ENOENT`],
      ['unknown option', [ragged, '--fast'], "Unknown option '--fast'"],
      ['no file', [], 'missing the data file'],
      ['bad draw count', [ragged, '--bootstrap', 'many'], '--bootstrap needs a whole number ≥ 1, got "many"'],
      ['seed without bootstrap', [ragged, '--seed', '3'], '--seed only applies together with --bootstrap N'],
    ])('%s', async (_, argv, expected) => {
      const { code, stdout, stderr } = await run(argv);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr.endsWith('\n')).toBe(true);
      expect(stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(stderr).toContain(expected);
      expect(stderr.startsWith('cocode agreement: ')).toBe(true);
    });
  });

  it('--help prints the usage', async () => {
    const { code, stdout } = await run(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: cocode agreement <file> \[--json\]/);
  });
});
