/** `cocode agreement --unit`: unitized segments as coded units, and the wide-CSV unit column flag. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAgreementCommand } from '../../server/cli/agreementCommand';

const folder = mkdtempSync(path.join(tmpdir(), 'cocode-agreement-units-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runAgreementCommand(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  return { code, stdout, stderr };
}

const unitized = path.join(folder, 'codings.json');
writeFileSync(
  unitized,
  JSON.stringify({
    continuum: { begin: 0, end: 40 },
    data: [
      { coder: 'Ana', start: 0, end: 8, code: 'enabler' },
      { coder: 'Ben', start: 2, end: 9, code: 'enabler' },
      { coder: 'Ana', start: 25, end: 28, code: 'enabler' },
    ],
  }),
);

describe('cocode agreement --unit', () => {
  it('splits the continuum into windows and reports present/absent agreement per code', async () => {
    const { code, stdout } = await run([unitized, '--unit', 'window:10', '--json']);
    expect(code).toBe(0);
    const { coded_units: codedUnits } = JSON.parse(stdout).statistics;
    expect(codedUnits).toMatchObject({ unit: 'window:10', units: 4 });
    // Windows (Ana, Ben): [0,10) (1,1), [10,20) (0,0), [20,30) (1,0), [30,40) (0,0): 3 of 4 agree.
    expect(codedUnits.by_code.enabler.percent_agreement_pairwise).toBeCloseTo(0.75, 12);
    // Coincidences: o11 = 2, o00 = 4, o10 = o01 = 1; n1 = 3, n0 = 5; alpha = 1 − (7·2)/(2·3·5) = 8/15.
    expect(codedUnits.by_code.enabler.kripp_alpha_nominal).toBeCloseTo(1 - 14 / 30, 12);
  });

  it('refuses an unknown unit and --unit on reliability data with exit code 2', async () => {
    expect((await run([unitized, '--unit', 'page'])).code).toBe(2);
    const reliability = path.join(folder, 'ratings.json');
    writeFileSync(reliability, JSON.stringify({ level: 'nominal', data: [[1, 1], [2, 2]] }));
    const refused = await run([reliability, '--unit', 'document']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/unitized data only/);
  });

  it('--unit-column names the unit column of a wide CSV', async () => {
    const csv = path.join(folder, 'wide.csv');
    writeFileSync(csv, 'Ana,passage,Ben\n1,p1,1\n2,p2,2\n1,p3,2\n');
    const { code, stdout } = await run([csv, '--unit-column', 'passage', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).statistics.percent_agreement_pairwise).toBeCloseTo(2 / 3, 12);
  });
});
