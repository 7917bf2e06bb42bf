/**
 * The coding workspace's own tools, in real browsers against a real server: undo and redo of
 * one's own coding actions (never other people's), filtering the view by code, and reordering and
 * nesting the codebook by drag and drop and by keyboard.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  browserTestsEnabled,
  codeSelection,
  documentIdByTitle,
  openTranscript,
  screenshot,
  selectPhrase,
  signedInPage,
  demoEnvironmentPerSuite,
  stripe,
  userRecord,
} from '../helpers/e2e';

const poll = { timeout: 15_000, interval: 100 };

const undoButton = (page: Page) => page.getByRole('button', { name: /^Undo/ });
const redoButton = (page: Page) => page.getByRole('button', { name: /^Redo/ });

describe.runIf(browserTestsEnabled())('coding workspace tools', () => {
  const suite = demoEnvironmentPerSuite();

  it("undoes and redoes one's own coding actions, never other people's", { timeout: 90_000 }, async () => {
    const documentId = await documentIdByTitle(suite.environment.server, suite.projectId, 'Interview 03');
    const codes = await suite.environment.server.services.codebook.list(await userRecord(suite.environment.server, 'lead@demo.cocode'), suite.projectId);
    const codeId = (name: string) => codes.find((code) => code.name === name)?.id as string;
    const a = await signedInPage(suite.environment, 'coder1@demo.cocode');
    const b = await signedInPage(suite.environment, 'coder2@demo.cocode');
    try {
      await openTranscript(a.page, suite.environment.server.url, suite.projectId, documentId);
      await openTranscript(b.page, suite.environment.server.url, suite.projectId, documentId);
      await expect(undoButton(a.page).isDisabled()).resolves.toBe(true);

      await selectPhrase(a.page, 'Credibility, mainly');
      await codeSelection(a.page, 'Trusted relationships');
      await expect.poll(() => stripe(b.page, 'Trusted relationships').count(), poll).toBe(1);
      // Someone else's coding, and a write into Tom's own layer that did not come from this page
      // (the REST API, like the server's repair pass): neither is Tom's to undo here.
      await selectPhrase(b.page, 'The clinicians are stretched thin');
      await codeSelection(b.page, 'Weak management support');
      const text = (await suite.environment.server.services.documents.get(await userRecord(suite.environment.server, 'coder1@demo.cocode'), suite.projectId, documentId)).text;
      const start = text.indexOf('Fewer people falling between health and social care');
      await suite.environment.server.services.codings.create(await userRecord(suite.environment.server, 'coder1@demo.cocode'), suite.projectId, documentId, {
        codeId: codeId('Service redesign'),
        start,
        end: start + 'Fewer people falling between health and social care'.length,
      });
      await expect.poll(() => stripe(a.page, 'Weak management support').count(), poll).toBe(1);
      await expect.poll(() => stripe(a.page, 'Service redesign').count(), poll).toBe(1);

      await expect(undoButton(a.page).getAttribute('aria-label')).resolves.toBe('Undo applying “Trusted relationships”');
      await undoButton(a.page).click();
      await expect.poll(() => stripe(a.page, 'Trusted relationships').count(), poll).toBe(0);
      await expect.poll(() => stripe(b.page, 'Trusted relationships').count(), poll).toBe(0);
      await expect.poll(() => a.page.locator('.history-message').textContent(), poll).toBe('Undid applying “Trusted relationships”.');

      await a.page.locator('.transcript-text').focus();
      await a.page.keyboard.press('Control+Shift+Z');
      await expect.poll(() => stripe(a.page, 'Trusted relationships').count(), poll).toBe(1);
      await expect.poll(() => stripe(b.page, 'Trusted relationships').count(), poll).toBe(1);

      // A memo edit is one step: Ctrl+Z takes it back, Ctrl+Y brings it again.
      await stripe(a.page, 'Trusted relationships').click();
      await a.page.getByTestId('coding-detail').getByLabel('Memo').fill('Credibility is borrowed from the GP role.');
      await a.page.getByRole('button', { name: 'Save memo' }).click();
      await expect.poll(() => stripe(b.page, 'Trusted relationships').getAttribute('aria-label'), poll).toContain('Memo: Credibility is borrowed');
      await a.page.keyboard.press('Control+Z');
      await expect.poll(() => stripe(b.page, 'Trusted relationships').getAttribute('aria-label'), poll).toContain('No memo.');
      await a.page.keyboard.press('Control+Y');
      await expect.poll(() => stripe(b.page, 'Trusted relationships').getAttribute('aria-label'), poll).toContain('Memo: Credibility is borrowed');

      // Removing is undone too: the coding comes back on its words.
      await stripe(a.page, 'Trusted relationships').click();
      await a.page.getByRole('button', { name: 'Remove coding' }).click();
      await expect.poll(() => stripe(b.page, 'Trusted relationships').count(), poll).toBe(0);
      await screenshot(a.page, 'coding-undo');
      await a.page.keyboard.press('Control+Z');
      await expect.poll(() => stripe(b.page, 'Trusted relationships').count(), poll).toBe(1);

      // Undo everything Tom did: only his own actions go, the others' and the REST write stay.
      for (let step = 0; step < 10 && !(await undoButton(a.page).isDisabled()); step += 1) await undoButton(a.page).click();
      await expect.poll(() => undoButton(a.page).getAttribute('aria-label'), poll).toBe('Undo: nothing to undo');
      await expect.poll(() => stripe(b.page, 'Trusted relationships').count(), poll).toBe(0);
      await expect(stripe(a.page, 'Weak management support').count()).resolves.toBe(1);
      await expect(stripe(a.page, 'Service redesign').count()).resolves.toBe(1);
      await expect(redoButton(a.page).isDisabled()).resolves.toBe(false);
    } finally {
      await a.context.close();
      await b.context.close();
    }
  });

  it('filters the view to chosen codes and their sub-codes', { timeout: 60_000 }, async () => {
    const documentId = await documentIdByTitle(suite.environment.server, suite.projectId, 'Interview 01');
    const lead = await signedInPage(suite.environment, 'lead@demo.cocode');
    try {
      await openTranscript(lead.page, suite.environment.server.url, suite.projectId, documentId);
      const labels = lead.page.locator('.stripe-label');
      await expect.poll(() => labels.count(), poll).toBe(10);
      const legend = lead.page.getByRole('list', { name: 'Filter codings by code' });

      // "Enabler" brings Protected time (2) and Trusted relationships (2) along.
      await legend.getByRole('button', { name: /^Enabler:/ }).click();
      await expect.poll(() => lead.page.getByTestId('filter-status').textContent(), poll).toContain('Showing 4 of 10 codings');
      await expect.poll(() => labels.count(), poll).toBe(4);
      await expect.poll(() => lead.page.locator('.transcript-text .coding').count(), poll).toBeGreaterThan(0);
      const names = await lead.page.locator('.stripe-name').allTextContents();
      expect(new Set(names)).toEqual(new Set(['Protected time', 'Trusted relationships']));

      // A second pick adds to the filter.
      await legend.getByRole('button', { name: /^Bureaucracy:/ }).click();
      await expect.poll(() => lead.page.getByTestId('filter-status').textContent(), poll).toContain('Showing 6 of 10 codings');
      await expect(legend.getByRole('button', { name: /^Bureaucracy:/ }).getAttribute('aria-pressed')).resolves.toBe('true');
      await lead.page.evaluate(() => window.scrollTo(0, 0));
      await screenshot(lead.page, 'coding-filter');

      await lead.page.getByRole('button', { name: 'clear filter' }).click();
      await expect.poll(() => labels.count(), poll).toBe(10);
      await expect(lead.page.getByTestId('filter-status').count()).resolves.toBe(0);
    } finally {
      await lead.context.close();
    }
  });

  it('reorders and nests codes by drag and drop and by keyboard, and refuses cycles', { timeout: 60_000 }, async () => {
    const owner = await userRecord(suite.environment.server, 'lead@demo.cocode');
    const codesNow = () => suite.environment.server.services.codebook.list(owner, suite.projectId);
    const byName = async (name: string) => (await codesNow()).find((code) => code.name === name);
    const lead = await signedInPage(suite.environment, 'lead@demo.cocode');
    try {
      await lead.page.goto(`${suite.environment.server.url}/p/${suite.projectId}/codebook`);
      const row = (name: string) => lead.page.getByRole('treeitem', { name: new RegExp(`^${name}`) });
      await row('Financial balance').waitFor();

      // Drag onto the middle of another code: nest under it.
      await row('Financial balance').dragTo(row('Enabler'));
      await expect.poll(async () => (await byName('Financial balance'))?.parentId, poll).toBe((await byName('Enabler'))?.id);
      await expect.poll(() => lead.page.locator('.banner-info').textContent(), poll).toContain('“Financial balance” nested under “Enabler”');

      // Keyboard: Alt+↑ moves a code above its previous sibling, Alt+← moves it out a level.
      await row('Conflict of interest').click();
      await lead.page.keyboard.press('Alt+ArrowUp');
      await expect
        .poll(async () => {
          const [bureaucracy, conflict] = [await byName('Bureaucracy'), await byName('Conflict of interest')];
          return (conflict?.order ?? 0) < (bureaucracy?.order ?? 0);
        }, poll)
        .toBe(true);
      await expect.poll(() => lead.page.evaluate(() => document.activeElement?.textContent ?? ''), poll).toContain('Conflict of interest');
      // The next move is planned from the page's tree: wait until it shows this one.
      const treePosition = async (name: string) => (await lead.page.locator('[role="treeitem"] .code-row-name').allTextContents()).indexOf(name);
      await expect.poll(async () => (await treePosition('Conflict of interest')) < (await treePosition('Bureaucracy')), poll).toBe(true);
      await lead.page.keyboard.press('Alt+ArrowLeft');
      await expect.poll(async () => (await byName('Conflict of interest'))?.parentId, poll).toBe(null);
      // "The code above" is read from the page's tree, which learns of the move from the live
      // codebook a moment after the server stored it: wait until the page shows it at the top level.
      await expect.poll(() => row('Conflict of interest').getAttribute('aria-level'), poll).toBe('1');

      // The buttons do the same for the selected code: indent nests it under the code above.
      await lead.page.getByRole('button', { name: 'Nest “Conflict of interest” under the code above' }).click();
      await expect.poll(async () => (await byName('Conflict of interest'))?.parentId, poll).toBe((await byName('Blocker'))?.id);

      // Nesting a code inside its own sub-code is refused by the server, and the page says why.
      await row('Enabler').dragTo(row('Protected time'));
      await expect.poll(() => lead.page.locator('.banner-error').textContent(), poll).toContain('cannot be nested inside itself or its sub-codes');
      await expect(byName('Enabler').then((code) => code?.parentId)).resolves.toBe(null);

      // The detail of a code counts its codings per coder.
      await row('Protected time').click();
      const usage = lead.page.getByTestId('code-usage');
      await expect.poll(() => usage.textContent(), poll).toContain('Applied 2 times');
      await expect(usage.getByRole('row', { name: /Tom Reilly/ }).textContent()).resolves.toContain('1');
      await expect(usage.getByRole('row', { name: /Grace Obi/ }).textContent()).resolves.toContain('1');
      await lead.page.evaluate(() => window.scrollTo(0, 0));
      await screenshot(lead.page, 'codebook-moves');
    } finally {
      await lead.context.close();
    }
  });
});
