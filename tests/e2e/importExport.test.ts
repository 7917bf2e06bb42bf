/**
 * Data in and out through the page: two transcript files dropped into the import dialog (a plain
 * text and a WebVTT file written here) are previewed, imported one by one with their own outcome and
 * turns, and the Export menu downloads a REFI-QDA project that is a zip holding project.qde.
 */
import { readFile } from 'node:fs/promises';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { browserTestsEnabled, demoEnvironmentPerSuite, screenshot, signedInPage } from '../helpers/e2e';

const poll = { timeout: 20_000, interval: 100 };

const textTranscript = [
  'Interviewer: How did the locality board first involve practice nurses?',
  'P7: Honestly, it started with a complaint about the wound clinic moving.',
  'Interviewer: And after that?',
  'P7: We were asked onto the working group, which surprised everyone.',
].join('\n');

const captionTranscript = [
  'WEBVTT',
  '',
  '00:00:01.000 --> 00:00:04.500',
  '<v Interviewer>What changed once the data was shared?',
  '',
  '00:00:05.000 --> 00:00:09.000',
  '<v P8>The GPs stopped arguing about whose list was longest.',
  '',
  '00:00:09.500 --> 00:00:12.000',
  '<v P8>We could finally plan the rota together.',
  '',
].join('\n');

describe.runIf(browserTestsEnabled())('import and export in the browser', () => {
  const suite = demoEnvironmentPerSuite();

  it('imports two dropped transcript files and downloads the project as .qdpx', { timeout: 120_000 }, async () => {
    const { server } = suite.environment;
    const lead = await signedInPage(suite.environment, 'lead@demo.cocode');
    try {
      const before = (await server.storage.relational.listDocuments(suite.projectId)).length;
      await lead.page.goto(`${server.url}/p/${suite.projectId}`);
      await lead.page.getByRole('button', { name: 'Import transcript' }).click();
      const dropZone = lead.page.getByTestId('transcript-drop-zone');
      await dropZone.waitFor();

      // A real drag carries a DataTransfer with the files; build one in the page and drop it.
      const dataTransfer = await lead.page.evaluateHandle(
        ([text, captions]) => {
          const transfer = new DataTransfer();
          transfer.items.add(new File([text], 'Interview 07 practice nurse.txt', { type: 'text/plain' }));
          transfer.items.add(new File([captions], 'Interview 08 GP partner.vtt', { type: 'text/vtt' }));
          return transfer;
        },
        [textTranscript, captionTranscript],
      );
      await dropZone.dispatchEvent('dragover', { dataTransfer });
      await dropZone.dispatchEvent('drop', { dataTransfer });

      const rows = lead.page.getByTestId('import-file');
      await expect.poll(() => rows.count(), poll).toBe(2);
      // The first file is previewed at once: turns found by the detected pattern, nothing written yet.
      const preview = lead.page.getByTestId('import-preview');
      await expect.poll(() => preview.textContent(), poll).toMatch(/4 turns by/);
      await expect(preview.textContent()).resolves.toContain('P7: 2');
      expect((await server.storage.relational.listDocuments(suite.projectId)).length).toBe(before);
      await screenshot(lead.page, 'transcript-import-preview');

      await lead.page.getByRole('button', { name: 'Import 2 files' }).click();
      await expect.poll(() => rows.filter({ hasText: 'Imported as' }).count(), poll).toBe(2);
      await expect(rows.filter({ hasText: 'Interview 07 practice nurse.txt' }).textContent()).resolves.toMatch(/4 turns/);
      await expect(rows.filter({ hasText: 'Interview 08 GP partner.vtt' }).textContent()).resolves.toMatch(/2 turns/);
      await screenshot(lead.page, 'transcript-import-done');

      const titles = (await server.storage.relational.listDocuments(suite.projectId)).map((document) => document.title);
      expect(titles.length).toBe(before + 2);
      expect(titles).toEqual(expect.arrayContaining(['Interview 07 practice nurse', 'Interview 08 GP partner']));
      // The transcript list shows them without a reload.
      await lead.page.getByRole('link', { name: 'Interview 08 GP partner' }).waitFor();

      await lead.page.getByRole('button', { name: 'Close', exact: true }).click();
      await lead.page.getByRole('button', { name: /^Export/ }).click();
      await lead.page.getByRole('menu', { name: 'Export' }).waitFor();
      await screenshot(lead.page, 'export-menu');
      const [download] = await Promise.all([
        lead.page.waitForEvent('download'),
        lead.page.getByRole('menuitem', { name: /^REFI-QDA project \(\.qdpx\)/ }).click(),
      ]);
      expect(download.suggestedFilename()).toMatch(/\.qdpx$/);
      const downloaded = await download.path();
      const entries = unzipSync(new Uint8Array(await readFile(downloaded)));
      expect(Object.keys(entries)).toContain('project.qde');
      const qde = new TextDecoder().decode(entries['project.qde']);
      expect(qde).toContain('Interview 08 GP partner');
    } finally {
      await lead.context.close();
    }
  });
});
