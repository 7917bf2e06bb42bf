/**
 * The calibration loop in real browsers against a real server: the owner creates a round on a new
 * transcript, two coders code it blind with the keyboard and submit, the owner sees "2 of 2
 * submitted" and closes the round with a reveal; the round's dashboard shows the same unitized
 * alpha as `cocode agreement` on the project's .qdpx export; the adjudicator previews and applies
 * the auto-merge of the agreed passage, resolves the remaining disagreements with rationales
 * (one by keyboard), changes one decision by keyboard (the trail lists the earlier one as
 * superseded, SPEC Q6), and the consensus export holds exactly the codings in force, with the trail.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { runAgreementCommand } from '../../server/cli/agreementCommand';
import type { AgreementReport } from '../../shared/agreement/report';
import type { DecisionTrail } from '../../shared/api/reconciliation';
import type { Code, CodingView } from '../../shared/api/responses';
import type { RoundView } from '../../shared/api/rounds';
import { artifactsDir, browserTestsEnabled, codeSelection, demoEnvironmentPerSuite, openTranscript, selectPhrase, signedInPage, userRecord } from '../helpers/e2e';

const transcriptText = [
  'Interviewer: How do you protect time for the team?',
  'Nurse lead: We block Friday mornings for planning and nobody books meetings then.',
  'Interviewer: And trust between the practices?',
  'Nurse lead: Trust comes from keeping promises, even small ones, every single week.',
].join('\n');

const agreed = 'We block Friday mornings for planning';
const onlyCoderOne = 'nobody books meetings then';
const shortTrust = 'Trust comes from keeping promises';
const longTrust = 'Trust comes from keeping promises, even small ones';

/** How the page shows a coefficient: three decimals with a true minus sign. */
const displayed = (value: number) => value.toFixed(3).replace('-', '−');

async function codeBlind(page: Page, url: string, projectId: string, documentId: string, codings: [string, string][]) {
  await openTranscript(page, url, projectId, documentId);
  for (const [phrase, code] of codings) {
    await selectPhrase(page, phrase);
    await codeSelection(page, code);
  }
}

describe.runIf(browserTestsEnabled())('calibration round to consensus', () => {
  const suite = demoEnvironmentPerSuite();

  it('runs a blind round, matches the CLI, auto-merges and reconciles with a trail', { timeout: 240_000 }, async () => {
    const { server } = suite.environment;
    const url = server.url;
    const projectId = suite.projectId;
    const owner = await userRecord(server, 'lead@demo.cocode');
    const coderOne = await userRecord(server, 'coder1@demo.cocode');
    const coderTwo = await userRecord(server, 'coder2@demo.cocode');
    await server.services.projects.update(owner, projectId, { blind: true });
    const document = await server.services.documents.create(owner, projectId, { title: 'Calibration interview', text: transcriptText });

    const lead = await signedInPage(suite.environment, 'lead@demo.cocode');
    const one = await signedInPage(suite.environment, 'coder1@demo.cocode');
    const two = await signedInPage(suite.environment, 'coder2@demo.cocode');
    const adjudicator = await signedInPage(suite.environment, 'adjudicator@demo.cocode');
    const workDir = mkdtempSync(path.join(tmpdir(), 'cocode-calibration-'));
    try {
      // The owner creates the round on the new transcript, for the two coders, on the codings' own boundaries.
      await lead.page.goto(`${url}/p/${projectId}/rounds`);
      await lead.page.getByText('New calibration round').click();
      await lead.page.getByLabel('Round name').fill('Pilot round');
      await lead.page.getByLabel('Unit of analysis').selectOption('continuum');
      await lead.page.getByRole('group', { name: 'Transcripts' }).getByLabel('Calibration interview').check();
      const coderBoxes = lead.page.getByRole('group', { name: 'Coders' });
      await coderBoxes.getByLabel(coderOne.name).check();
      await coderBoxes.getByLabel(coderTwo.name).check();
      await expect(lead.page.getByLabel('Agreement target (α at least)').inputValue()).resolves.toBe('0.800');
      await lead.page.getByRole('button', { name: 'Create round' }).click();
      const card = lead.page.locator('.round-card', { hasText: 'Pilot round' });
      await expect.poll(() => card.getByTestId('round-submitted').textContent()).toBe('0 of 2 submitted');
      const rounds = (await (await lead.page.request.get(`${url}/api/projects/${projectId}/rounds`)).json()) as RoundView[];
      const round = rounds.find((entry) => entry.name === 'Pilot round') as RoundView;
      expect(round.unit).toEqual({ kind: 'continuum' });
      expect(round.targetAlpha).toBe(0.8);

      // Each coder codes blind with the keyboard, then marks the round submitted on the rounds screen.
      await codeBlind(one.page, url, projectId, document.id, [
        [agreed, 'Protected time'],
        [onlyCoderOne, 'Protected time'],
        [shortTrust, 'Trusted relationships'],
      ]);
      await codeBlind(two.page, url, projectId, document.id, [
        [agreed, 'Protected time'],
        [longTrust, 'Trusted relationships'],
      ]);
      for (const coder of [one, two]) {
        await coder.page.goto(`${url}/p/${projectId}/rounds`);
        await coder.page.getByRole('button', { name: 'Mark my coding submitted' }).click();
        await coder.page.getByRole('button', { name: 'Take back my submission' }).waitFor();
      }
      // A coder of the open round sees no numbers: the Agreement tab says why.
      await one.page.goto(`${url}/p/${projectId}/agreement`);
      await one.page.getByTestId('agreement-blind').waitFor();
      await expect(one.page.getByLabel('Calibration round').count()).resolves.toBe(0);

      await lead.page.reload();
      await expect.poll(() => card.getByTestId('round-submitted').textContent()).toBe('2 of 2 submitted');
      await card.getByLabel('Reveal the coders’ layers to each other').check();
      await card.getByRole('button', { name: 'Close round' }).click();
      await card.getByText('Closed, revealed').waitFor();
      await lead.page.screenshot({ path: path.join(artifactsDir, 'calibration-rounds.png'), fullPage: true });

      // The round's dashboard, and the CLI on the .qdpx export of the same transcript.
      await card.getByRole('link', { name: 'Agreement of this round' }).click();
      await expect(lead.page.getByLabel('Calibration round').inputValue()).resolves.toBe(round.id);
      await lead.page.getByRole('button', { name: 'Compute agreement' }).click();
      await lead.page.getByTestId('agreement-report').waitFor();
      const report = (await (await lead.page.request.get(`${url}/api/projects/${projectId}/agreement?round=${round.id}`)).json()) as AgreementReport;
      const exported = await lead.page.request.get(`${url}/api/projects/${projectId}/export?format=qdpx&document=${document.id}`);
      expect(exported.ok()).toBe(true);
      const qdpx = path.join(workDir, 'round.qdpx');
      writeFileSync(qdpx, await exported.body());
      let cliOutput = '';
      const exit = await runAgreementCommand([qdpx, '--json'], { stdout: (text) => (cliOutput += text), stderr: (text) => (cliOutput += text) });
      expect(exit).toBe(0);
      const cli = JSON.parse(cliOutput) as { statistics: { u_alpha: number; k_u_alpha: Record<string, number | null> } };
      expect(report.overall.unitized.u_alpha).toBeCloseTo(cli.statistics.u_alpha, 12);
      const headline = lead.page.locator('.agreement-stat', { hasText: 'Unitized uα' }).locator('.agreement-stat-value');
      await expect(headline.textContent()).resolves.toBe(displayed(cli.statistics.u_alpha));
      for (const code of report.byCode) {
        expect(code.unitizedKAlpha).toBeCloseTo(cli.statistics.k_u_alpha[code.name] as number, 12);
        const row = lead.page.getByTestId('agreement-code-table').locator(`tr[data-code-id="${code.codeId}"]`);
        await expect(row.locator('td').nth(7).textContent()).resolves.toBe(displayed(cli.statistics.k_u_alpha[code.name] as number));
      }
      await lead.page.getByTestId('alpha-bar-chart').waitFor();
      await lead.page.getByTestId('pair-heatmap').waitFor();
      const [htmlDownload] = await Promise.all([lead.page.waitForEvent('download'), lead.page.getByRole('button', { name: /Download HTML report/ }).click()]);
      expect(htmlDownload.suggestedFilename()).toMatch(/-agreement-pilot-round-continuum\.html$/);
      const html = readFileSync(await htmlDownload.path(), 'utf8');
      expect(html).toContain('<svg');
      expect(html).not.toMatch(/<script|<link|src=/i);
      expect(html).toContain(report.methodsText.replace(/&/g, '&amp;').slice(0, 60));
      await lead.page.screenshot({ path: path.join(artifactsDir, 'calibration-dashboard.png'), fullPage: true });

      // The round's history shows a point per code.
      await lead.page.goto(`${url}/p/${projectId}/rounds`);
      await lead.page.getByTestId('round-history-chart').waitFor();
      await expect(lead.page.getByTestId('round-history-table').locator('tbody tr').count()).resolves.toBe(report.byCode.length);

      // The adjudicator: preview, then apply the auto-merge of the agreed passage.
      const page = adjudicator.page;
      await page.goto(`${url}/p/${projectId}/reconcile/${document.id}?round=${round.id}`);
      await expect.poll(() => page.getByTestId('reconcile-progress').textContent()).toBe('0 of 2 resolved');
      await page.getByRole('button', { name: 'Preview auto-merge' }).click();
      await page.getByText(`“${agreed}”`).waitFor();
      await page.getByRole('button', { name: 'Apply auto-merge' }).click();
      await page.getByText(/Merged 1 passage/).waitFor();
      await page.getByRole('button', { name: /Undo the auto-merge/ }).waitFor();

      // The first disagreement in impact order is decided by its buttons, the second by keyboard.
      const detail = page.getByTestId('disagreement');
      const decided: string[] = [];
      for (let remaining = 2; remaining > 0; remaining -= 1) {
        await detail.waitFor();
        const label = (await detail.locator('.reconcile-kind').first().textContent()) ?? '';
        decided.push(label);
        if (label === 'boundary only') {
          await detail.getByLabel(/Rationale/).fill('Both coders mean the promise-keeping; the longer span keeps the example.');
          await detail.getByRole('button', { name: /^Union/ }).click();
        } else {
          expect(label).toBe('missing in one coder');
          await detail.getByLabel(/Rationale/).fill('Nobody booking meetings is what protects the time.');
          await detail.focus();
          await page.keyboard.press('1');
        }
        await expect.poll(() => page.getByTestId('reconcile-progress').textContent()).toBe(`${3 - remaining} of 2 resolved`);
      }
      expect(decided.sort()).toEqual(['boundary only', 'missing in one coder']);
      // A second reading changes the missing passage's decision by keyboard (C, then U): same
      // codings, a new record, and the trail lists the earlier decision as superseded.
      await page.getByLabel('Show resolved ones').check();
      await page.locator('.reconcile-list-item', { hasText: onlyCoderOne }).click();
      await detail.focus();
      await page.keyboard.press('c');
      await detail.getByLabel(/Rationale/).fill('Re-read after the codebook meeting: the union says the same.');
      await detail.focus();
      await page.keyboard.press('u');
      await detail.getByText(/Decision changed/).waitFor();
      await detail.getByTestId('trail-entry').filter({ hasText: /superseded by/ }).waitFor();
      await expect(page.getByTestId('reconcile-progress').textContent()).resolves.toBe('2 of 2 resolved');
      await page.screenshot({ path: path.join(artifactsDir, 'calibration-reconcile.png'), fullPage: true });

      // The consensus export holds exactly the decided codings; the trail holds every decision with its rationale.
      const codes = (await (await page.request.get(`${url}/api/projects/${projectId}/codes`)).json()) as Code[];
      const codeId = (name: string) => codes.find((code) => code.name === name)?.id;
      // Offsets are in the canonical text (speaker labels are turn metadata, not text; SPEC C1).
      const { text } = (await (await page.request.get(`${url}/api/projects/${projectId}/documents/${document.id}`)).json()) as { text: string };
      const offsets = (phrase: string) => ({ start: text.indexOf(phrase), end: text.indexOf(phrase) + phrase.length });
      const expected = [
        { codeId: codeId('Protected time'), ...offsets(agreed) },
        { codeId: codeId('Protected time'), ...offsets(onlyCoderOne) },
        { codeId: codeId('Trusted relationships'), ...offsets(longTrust) },
      ].sort((a, b) => a.start - b.start);
      const consensus = (await (await page.request.get(`${url}/api/projects/${projectId}/documents/${document.id}/codings?layer=consensus`)).json()) as CodingView[];
      expect(consensus.map(({ codeId: id, start, end }) => ({ codeId: id, start, end })).sort((a, b) => a.start - b.start)).toEqual(expected);
      const csv = await page.request.get(`${url}/api/projects/${projectId}/export?format=csv&layer=consensus&document=${document.id}`);
      const csvText = await csv.text();
      for (const phrase of [agreed, onlyCoderOne, longTrust]) expect(csvText).toContain(phrase);
      expect(csvText.trimEnd().split('\n')).toHaveLength(1 + expected.length);
      const trail = (await (await page.request.get(`${url}/api/projects/${projectId}/documents/${document.id}/decisions`)).json()) as DecisionTrail;
      expect(trail.decisions.map((decision) => decision.action.action).sort()).toEqual(['accept-coder', 'auto-merge', 'union', 'union']);
      const accepted = trail.decisions.find((decision) => decision.action.action === 'accept-coder');
      expect(trail.decisions.find((decision) => decision.supersedes !== null)?.supersedes).toBe(accepted?.id);
      const inForce = trail.decisions.filter((decision) => decision.id !== accepted?.id);
      expect(inForce.flatMap((decision) => decision.consensus).sort((a, b) => a.start - b.start)).toEqual(expected);
      expect(trail.decisions.find((decision) => decision.action.action === 'union')?.rationale).toMatch(/promise-keeping/);
      expect(accepted?.rationale).toMatch(/protects the time/);
      expect(trail.merges).toHaveLength(1);
    } finally {
      for (const session of [lead, one, two, adjudicator]) await session.context.close();
      rmSync(workDir, { recursive: true, force: true });
    }
  });
});
