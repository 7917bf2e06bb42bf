/**
 * Adjusting a coding's boundaries in the coding view, by keyboard, against a real server: the
 * coding keeps its id, code, memo and author, the other coder sees the new words live, and one
 * undo step restores the old boundaries.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  browserTestsEnabled,
  decoratedText,
  documentIdByTitle,
  openTranscript,
  screenshot,
  signedInPage,
  demoEnvironmentPerSuite,
  userRecord,
} from '../helpers/e2e';

const poll = { timeout: 15_000, interval: 100 };

const oldQuote = 'I have two funded sessions a week for it';
const undoButton = (page: Page) => page.getByRole('button', { name: /^Undo/ });
const redoButton = (page: Page) => page.getByRole('button', { name: /^Redo/ });

describe.runIf(browserTestsEnabled())('adjusting coding boundaries', () => {
  const suite = demoEnvironmentPerSuite();

  it('widens a coding by keyboard, live for the other coder, as one undo step', { timeout: 90_000 }, async () => {
    const documentId = await documentIdByTitle(suite.environment.server, suite.projectId, 'Interview 01');
    const tom = await userRecord(suite.environment.server, 'coder1@demo.cocode');
    const tomsCodings = () => suite.environment.server.services.codings.list(tom, suite.projectId, documentId, 'me');
    const before = (await tomsCodings()).find((coding) => coding.text === oldQuote);
    if (!before) throw new Error('the demo coding is missing');
    await suite.environment.server.services.codings.update(tom, suite.projectId, documentId, before.id, { memo: 'Two sessions: generous on paper only.' });
    const codingNow = async () => (await tomsCodings()).find((coding) => coding.id === before.id);

    const a = await signedInPage(suite.environment, 'coder1@demo.cocode');
    const b = await signedInPage(suite.environment, 'coder2@demo.cocode');
    try {
      await openTranscript(a.page, suite.environment.server.url, suite.projectId, documentId);
      await openTranscript(b.page, suite.environment.server.url, suite.projectId, documentId);
      await expect.poll(() => decoratedText(b.page, before.id), poll).toBe(oldQuote);

      const label = a.page.locator(`.stripe-label[data-coding-id="${before.id}"]`);
      await label.focus();
      await a.page.keyboard.press('Enter');
      await a.page.getByTestId('coding-detail').waitFor();
      await screenshot(a.page, 'coding-detail-adjust');
      await a.page.getByTestId('coding-detail').getByRole('button', { name: 'Adjust boundaries' }).click();
      const adjuster = a.page.getByTestId('boundary-adjuster');
      await expect(adjuster.textContent()).resolves.toContain('Select the new passage, then press Enter (Escape cancels)');
      // The coding's own words are selected as the starting point.
      await expect.poll(() => a.page.getByTestId('adjuster-selection').textContent(), poll).toBe(oldQuote);

      // Confirming the same words is refused with a reason, and nothing is written.
      await a.page.keyboard.press('Enter');
      await expect.poll(() => adjuster.getByRole('alert').textContent(), poll).toContain('already covers exactly these words');
      await expect(undoButton(a.page).isDisabled()).resolves.toBe(true);

      // Three words further with Ctrl+Shift+→, then Enter.
      for (let word = 0; word < 3; word += 1) await a.page.keyboard.press('Control+Shift+ArrowRight');
      await expect.poll(() => a.page.getByTestId('adjuster-selection').textContent(), poll).toMatch(/^I have two funded sessions a week for it, which sounds/);
      const newQuote = (await a.page.getByTestId('adjuster-selection').textContent())?.trim() as string;
      await screenshot(a.page, 'coding-adjust-boundaries');
      await a.page.keyboard.press('Enter');
      await adjuster.waitFor({ state: 'detached' });
      await expect.poll(() => a.page.locator('.history-message').textContent(), poll).toContain('Adjusted “Protected time”');

      await expect.poll(() => decoratedText(b.page, before.id), poll).toBe(newQuote);
      await expect.poll(async () => (await codingNow())?.text, poll).toBe(newQuote);
      const after = await codingNow();
      expect(after).toMatchObject({ id: before.id, codeId: before.codeId, memo: 'Two sessions: generous on paper only.', createdBy: before.createdBy, status: 'ok', orphaned: false });
      expect(after?.start).toBe(before.start);
      expect(after?.end).toBe(before.start + newQuote.length);
      await screenshot(b.page, 'coding-adjust-boundaries-other-coder');

      await expect(undoButton(a.page).getAttribute('aria-label')).resolves.toBe('Undo adjusting “Protected time”');
      await undoButton(a.page).click();
      await expect.poll(() => decoratedText(b.page, before.id), poll).toBe(oldQuote);
      await expect.poll(async () => (await codingNow())?.text, poll).toBe(oldQuote);
      await expect(codingNow().then((coding) => [coding?.start, coding?.end])).resolves.toEqual([before.start, before.end]);

      await redoButton(a.page).click();
      await expect.poll(() => decoratedText(b.page, before.id), poll).toBe(newQuote);
      await expect.poll(async () => (await codingNow())?.text, poll).toBe(newQuote);
      await expect(codingNow().then((coding) => coding?.memo)).resolves.toBe('Two sessions: generous on paper only.');
    } finally {
      await a.context.close();
      await b.context.close();
    }
  });

  it('keeps a memo typed but not yet saved when the coder starts adjusting', { timeout: 60_000 }, async () => {
    const documentId = await documentIdByTitle(suite.environment.server, suite.projectId, 'Interview 02');
    const grace = await userRecord(suite.environment.server, 'coder2@demo.cocode');
    const gracesCodings = () => suite.environment.server.services.codings.list(grace, suite.projectId, documentId, 'me');
    const coding = (await gracesCodings()).find((entry) => entry.text === 'The patient panel came to one of our meetings');
    if (!coding) throw new Error('the demo coding is missing');
    const { context, page } = await signedInPage(suite.environment, 'coder2@demo.cocode');
    try {
      await openTranscript(page, suite.environment.server.url, suite.projectId, documentId);
      await page.locator(`.stripe-label[data-coding-id="${coding.id}"]`).focus();
      await page.keyboard.press('Enter');
      await page.getByTestId('coding-detail').locator('textarea').fill('Panel question changed the service: follow up.');
      await page.getByTestId('coding-detail').getByRole('button', { name: 'Adjust boundaries' }).click();
      await page.getByTestId('boundary-adjuster').waitFor();
      await page.keyboard.press('Escape');
      await expect
        .poll(async () => (await gracesCodings()).find((entry) => entry.id === coding.id)?.memo, poll)
        .toBe('Panel question changed the service: follow up.');
    } finally {
      await context.close();
    }
  });
});
