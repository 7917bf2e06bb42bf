/**
 * The Agreement tab in a real browser against a real server with the demo project (two coders with
 * codings, blind mode off): the owner computes agreement by speaker turn and reads the same alpha
 * the API returns, sees the server's refusals verbatim, copies the methods paragraph and downloads
 * the per-code CSV; a coder of a blind project is told why agreement is hidden.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AgreementReport } from '../../shared/agreement/report';
import { artifactsDir, browserTestsEnabled, demoEnvironmentPerSuite, screenshot, signedInPage, userRecord } from '../helpers/e2e';

/** How the tab shows a coefficient: three decimals with a true minus sign. */
const displayed = (value: number) => value.toFixed(3).replace('-', '−');

describe.runIf(browserTestsEnabled())('agreement tab', () => {
  const suite = demoEnvironmentPerSuite();

  it('computes agreement by turn with the numbers the API gives, and exports them', { timeout: 90_000 }, async () => {
    const { context, page } = await signedInPage(suite.environment, 'lead@demo.cocode');
    try {
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: suite.environment.server.url });
      await page.goto(`${suite.environment.server.url}/p/${suite.projectId}`);
      await page.getByRole('navigation', { name: 'Project sections' }).getByRole('link', { name: 'Agreement' }).click();
      // Nobody has coded Interview 03 in the demo: the server's refusal is shown word for word.
      await page.getByLabel('All transcripts').uncheck();
      await page.getByLabel(/^Interview 03/).check();
      await page.getByRole('button', { name: 'Compute agreement' }).click();
      await expect
        .poll(() => page.getByRole('alert').textContent())
        .toBe('agreement needs codings from at least two coders in the selected documents');

      await page.getByLabel('All transcripts').check();
      await page.getByLabel('Unit of analysis').selectOption('turn');
      await page.getByRole('button', { name: 'Compute agreement' }).click();
      await page.getByTestId('agreement-report').waitFor();
      await expect(page.getByRole('alert').count()).resolves.toBe(0);

      const response = await page.request.get(`${suite.environment.server.url}/api/projects/${suite.projectId}/agreement?unit=turn`);
      expect(response.ok()).toBe(true);
      const report = (await response.json()) as AgreementReport;
      const table = page.getByTestId('agreement-code-table');
      await expect(table.locator('tbody tr').count()).resolves.toBe(report.byCode.length);
      for (const name of ['Protected time', 'Trusted relationships']) {
        const code = report.byCode.find((entry) => entry.name === name);
        if (!code) throw new Error(`no per-code row for ${name} in the API report`);
        // A code both demo coders used, so the row compares two coders' decisions.
        expect(Object.values(code.usesByCoder).filter((uses) => uses > 0)).toHaveLength(2);
        const alpha = code.statistics.kripp_alpha_nominal;
        expect(typeof alpha).toBe('number');
        const row = table.locator(`tr[data-code-id="${code.codeId}"]`);
        await expect(row.getByRole('rowheader').textContent()).resolves.toBe(name);
        await expect(row.locator('[data-statistic="kripp_alpha_nominal"]').textContent()).resolves.toBe(displayed(alpha as number));
      }
      await expect(page.getByTestId('overall-alpha').textContent()).resolves.toBe(displayed(report.overall.statistics.kripp_alpha_nominal as number));

      // Sorting by alpha puts the least reliable code first.
      await table.getByRole('button', { name: /sort by alpha/ }).click();
      const lowest = [...report.byCode].sort((a, b) => (a.statistics.kripp_alpha_nominal ?? 2) - (b.statistics.kripp_alpha_nominal ?? 2))[0];
      await expect(table.locator('tbody tr').first().getAttribute('data-code-id')).resolves.toBe(lowest.codeId);
      await expect(table.getByRole('columnheader', { name: /sort by alpha/ }).getAttribute('aria-sort')).resolves.toBe('ascending');

      await page.getByRole('button', { name: 'Copy paragraph' }).click();
      await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(report.methodsText);

      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /Download CSV/ }).click()]);
      expect(download.suggestedFilename()).toMatch(/agreement-turn-per-code\.csv$/);
      const lines = (await readFile(await download.path(), 'utf8')).trimEnd().split('\r\n');
      const header = lines[0].split(',');
      expect(header.slice(0, 4)).toEqual(['code_id', 'code', 'units', 'kripp_alpha_nominal']);
      expect(header).toContain('gwet_ac1');
      expect(lines).toHaveLength(report.byCode.length + 1);
      for (const code of report.byCode) {
        const row = lines.find((line) => line.startsWith(`${code.codeId},`));
        expect(row?.split(',')[header.indexOf('kripp_alpha_nominal')]).toBe(String(code.statistics.kripp_alpha_nominal ?? ''));
      }

      // With intervals on, the headline carries the bootstrap interval and the seed it was drawn with.
      await page.getByLabel('Confidence intervals').selectOption('bootstrap');
      await page.getByLabel('Random seed').fill('7');
      await page.getByRole('button', { name: 'Compute again' }).click();
      await expect.poll(() => page.getByTestId('agreement-report').textContent()).toContain('seed 7');
      await expect(page.getByTestId('agreement-code-table').getByRole('columnheader', { name: '95% CI' }).count()).resolves.toBe(1);
      await expect(page.getByTestId('agreement-methods').textContent()).resolves.toContain('1000 resamples, seed 7');
      await page.screenshot({ path: path.join(artifactsDir, 'agreement.png'), fullPage: true });
    } finally {
      await context.close();
    }
  });

  it('tells a coder of a blind project why agreement is hidden', { timeout: 60_000 }, async () => {
    const owner = await userRecord(suite.environment.server, 'lead@demo.cocode');
    await suite.environment.server.services.projects.update(owner, suite.projectId, { blind: true });
    const { context, page } = await signedInPage(suite.environment, 'coder1@demo.cocode');
    try {
      await page.goto(`${suite.environment.server.url}/p/${suite.projectId}`);
      await page.getByRole('link', { name: 'Agreement' }).click();
      const notice = page.getByTestId('agreement-blind');
      await notice.getByRole('heading', { name: 'Agreement is hidden while blind coding is on' }).waitFor();
      // The server's own refusal is shown as it is, not replaced by a blank tab.
      await expect.poll(() => notice.textContent()).toContain('agreement compares coders, so it is shown to owners and adjudicators until then');
      await expect(page.getByRole('button', { name: 'Compute agreement' }).count()).resolves.toBe(0);
      await screenshot(page, 'agreement-blind');
    } finally {
      await context.close();
      await suite.environment.server.services.projects.update(owner, suite.projectId, { blind: false });
    }
  });
});
