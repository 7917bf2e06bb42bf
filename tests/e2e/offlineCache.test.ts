/**
 * The offline cache on a shared computer (SECURITY.md, "signed-out browser user"): a coder's offline
 * copy of their layer holds codings, memos and quoted words, so sign-out deletes it, the next person
 * signing in in the same browser profile finds none of it, and while the coder stays signed in it
 * survives a reload (offline coding itself is covered in coCoding.test.ts).
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  browserTestsEnabled,
  codeSelection,
  demoEnvironmentPerSuite,
  demoPassword,
  documentIdByTitle,
  openTranscript,
  screenshot,
  selectPhrase,
  signedInPage,
  stripe,
  userRecord,
} from '../helpers/e2e';

const poll = { timeout: 15_000, interval: 100 };

/** The origin's IndexedDB databases with the number of stored updates in each (y-indexeddb's store). */
function offlineDatabases(page: Page): Promise<{ name: string; updates: number }[]> {
  return page.evaluate(async () => {
    const names = (await indexedDB.databases()).map((database) => database.name ?? '');
    return Promise.all(
      names.map(
        (name) =>
          new Promise<{ name: string; updates: number }>((resolve) => {
            const open = indexedDB.open(name);
            open.onerror = () => resolve({ name, updates: -1 });
            open.onsuccess = () => {
              const db = open.result;
              if (!db.objectStoreNames.contains('updates')) {
                db.close();
                resolve({ name, updates: 0 });
                return;
              }
              const count = db.transaction('updates').objectStore('updates').count();
              count.onsuccess = () => {
                db.close();
                resolve({ name, updates: count.result });
              };
            };
          }),
      ),
    );
  });
}

const storageKeys = (page: Page) => page.evaluate(() => [...Object.keys(localStorage), ...Object.keys(sessionStorage)]);

async function signInOnPage(page: Page, email: string): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(demoPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Your projects' }).waitFor();
}

describe.runIf(browserTestsEnabled())('the offline cache on a shared browser profile', () => {
  const suite = demoEnvironmentPerSuite();

  it('keeps a coder’s copy across a reload, deletes it at sign-out, and the next person finds none of it', { timeout: 120_000 }, async () => {
    const { server } = suite.environment;
    const documentId = await documentIdByTitle(server, suite.projectId, 'Interview 03');
    const coderA = await userRecord(server, 'coder1@demo.cocode');
    const coderB = await userRecord(server, 'coder2@demo.cocode');
    const a = await signedInPage(suite.environment, coderA.email);
    try {
      await openTranscript(a.page, server.url, suite.projectId, documentId);
      const before = await stripe(a.page, 'Trusted relationships').count();
      await selectPhrase(a.page, 'Credibility, mainly');
      await codeSelection(a.page, 'Trusted relationships');
      await expect.poll(() => stripe(a.page, 'Trusted relationships').count(), poll).toBe(before + 1);
      await expect.poll(() => a.page.getByTestId('connection-state').textContent(), poll).toContain('Saved');

      // The copy is A's alone (its name carries A's id) and it holds A's layer.
      const ofA = <T extends { name: string }>(databases: T[]) => databases.filter((database) => database.name.includes(coderA.id));
      await expect.poll(async () => ofA(await offlineDatabases(a.page)).some((database) => database.name.startsWith(`cocode:${coderA.id}:`)), poll).toBe(true);
      const cached = ofA(await offlineDatabases(a.page));
      expect(cached.every((database) => database.name.startsWith(`cocode:${coderA.id}:`))).toBe(true);
      expect(cached.some((database) => database.updates > 0)).toBe(true);
      expect((await storageKeys(a.page)).some((key) => key.startsWith('cocode:'))).toBe(true);

      // Still signed in: a reload keeps the copy and the coding view opens as before.
      await a.page.reload();
      await a.page.locator('[data-testid="transcript"][data-synced="true"]').waitFor();
      await expect.poll(() => stripe(a.page, 'Trusted relationships').count(), poll).toBe(before + 1);
      const afterReload = ofA(await offlineDatabases(a.page));
      expect(afterReload.map((database) => database.name).sort()).toEqual(cached.map((database) => database.name).sort());
      expect(afterReload.some((database) => database.updates > 0)).toBe(true);

      await a.page.getByRole('button', { name: 'Sign out' }).click();
      await a.page.getByRole('heading', { name: 'Sign in' }).waitFor();
      await expect.poll(async () => (await offlineDatabases(a.page)).map((database) => database.name), poll).toEqual([]);
      expect(await storageKeys(a.page)).toEqual([]);

      // A copy of A's that a sign-out could not delete (the browser closed first) is deleted when
      // someone else signs in, before their first screen opens.
      await a.page.evaluate(
        (name) =>
          new Promise<void>((resolve) => {
            const open = indexedDB.open(name);
            open.onupgradeneeded = () => open.result.createObjectStore('updates', { autoIncrement: true });
            open.onsuccess = () => {
              open.result.close();
              resolve();
            };
          }),
        `cocode:${coderA.id}:layer:${documentId}:${coderA.id}`,
      );
      expect(ofA(await offlineDatabases(a.page))).toHaveLength(1);

      await signInOnPage(a.page, coderB.email);
      expect(ofA(await offlineDatabases(a.page))).toEqual([]);
      await openTranscript(a.page, server.url, suite.projectId, documentId);
      await expect.poll(async () => (await offlineDatabases(a.page)).some((database) => database.name.startsWith(`cocode:${coderB.id}:`)), poll).toBe(true);
      expect(ofA(await offlineDatabases(a.page))).toEqual([]);
      // B sees their own layer only: nothing of A's came back from a cache.
      await screenshot(a.page, 'offline-cache-next-user');
    } finally {
      await a.context.close();
    }
  });
});
