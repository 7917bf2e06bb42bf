/**
 * Deleting a transcript and a project through the page, by keyboard (SPEC E1, E4): the dialog says
 * what is erased and that it cannot be undone, Escape leaves everything as it was, and the
 * deletion itself reaches the server; the project's name must be typed before it can be deleted.
 */
import { describe, expect, it } from 'vitest';
import { browserTestsEnabled, demoEnvironmentPerSuite, documentIdByTitle, openTranscript, signedInPage, userRecord } from '../helpers/e2e';

const poll = { timeout: 15_000, interval: 100 };
const projectName = 'Clinical leadership in commissioning (demo)';

describe.runIf(browserTestsEnabled())('deleting in the browser', () => {
  const suite = demoEnvironmentPerSuite();

  it('[E1] [E4] an owner deletes a transcript, then the project, with the keyboard', { timeout: 90_000 }, async () => {
    const { server } = suite.environment;
    const { context, page } = await signedInPage(suite.environment, 'lead@demo.cocode');
    try {
      await page.goto(`${server.url}/p/${suite.projectId}`);
      const deleteButton = page.getByRole('button', { name: 'Delete transcript “Interview 02: Practice nurse”…' });
      await deleteButton.focus();
      await page.keyboard.press('Enter');
      const dialog = page.getByRole('dialog', { name: 'Delete “Interview 02: Practice nurse”?' });
      await dialog.waitFor();
      await expect(dialog.textContent()).resolves.toMatch(/every coder’s codings of it.*reconciliation decisions.*This cannot be undone\./s);
      // It opens on Cancel; Escape closes it, gives focus back and deletes nothing.
      await expect.poll(() => page.evaluate(() => document.activeElement?.textContent), poll).toBe('Cancel');
      await page.keyboard.press('Escape');
      await expect.poll(() => dialog.count(), poll).toBe(0);
      await expect.poll(() => deleteButton.evaluate((button) => button === document.activeElement), poll).toBe(true);
      expect(await server.storage.relational.listDocuments(suite.projectId)).toHaveLength(3);

      await page.keyboard.press('Enter');
      await dialog.waitFor();
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      await page.getByRole('status').filter({ hasText: '“Interview 02: Practice nurse” was deleted with every coding of it.' }).waitFor();
      await expect.poll(() => deleteButton.count(), poll).toBe(0);
      const titles = (await server.storage.relational.listDocuments(suite.projectId)).map((document) => document.title);
      expect(titles).toEqual(['Interview 01: GP clinical lead', 'Interview 03: Health and Wellbeing Board member']);

      await page.goto(`${server.url}/p/${suite.projectId}/settings`);
      await page.getByRole('button', { name: 'Delete project…' }).focus();
      await page.keyboard.press('Enter');
      const confirm = page.getByRole('dialog', { name: `Delete “${projectName}”?` });
      await confirm.waitFor();
      const submit = confirm.getByRole('button', { name: 'Delete project' });
      await page.keyboard.type('Clinical leadership');
      expect(await submit.isDisabled()).toBe(true);
      await page.keyboard.type(' in commissioning (demo)');
      await expect.poll(() => submit.isDisabled(), poll).toBe(false);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Your projects' }).waitFor();
      await expect.poll(async () => server.storage.relational.getProject(suite.projectId), poll).toBeNull();
      expect(await page.getByText(projectName).count()).toBe(0);
    } finally {
      await context.close();
    }
  });
});

describe.runIf(browserTestsEnabled())('a transcript deleted while a coder has it open', () => {
  const suite = demoEnvironmentPerSuite();

  it('[E2] a coder with the transcript open is told it was deleted, and its offline copy leaves the browser', { timeout: 60_000 }, async () => {
    const { server } = suite.environment;
    const documentId = await documentIdByTitle(server, suite.projectId, 'Interview 03');
    const { context, page } = await signedInPage(suite.environment, 'coder1@demo.cocode');
    const offlineCopies = () =>
      page.evaluate(async (id) => (await indexedDB.databases()).map((database) => database.name ?? '').filter((name) => name.includes(id)), documentId);
    try {
      await openTranscript(page, server.url, suite.projectId, documentId);
      await expect.poll(offlineCopies, poll).toHaveLength(1);
      await server.services.documents.delete(await userRecord(server, 'lead@demo.cocode'), suite.projectId, documentId);
      await page.getByTestId('connection-state').filter({ hasText: 'Access refused' }).waitFor();
      expect(await page.getByTestId('connection-state').getAttribute('title')).toContain('an owner deleted this transcript');
      await expect.poll(offlineCopies, poll).toHaveLength(0);
    } finally {
      await context.close();
    }
  });
});
