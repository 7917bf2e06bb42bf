/** The codebook is edited live like a transcript: people see who else has it open. */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { documentNames } from '../../shared/collab/documentNames';
import { browserTestsEnabled, demoEnvironmentPerSuite, signedInPage } from '../helpers/e2e';

/**
 * Each browser re-announces its presence every 15 s (y-protocols renews a state at half its 30 s
 * timeout), so a wait of 30 s spans one renewal: on a loaded machine the first announcement can
 * arrive late, and the page must still show it.
 */
const presenceWaitMs = 30_000;

describe.runIf(browserTestsEnabled())('codebook presence', () => {
  const suite = demoEnvironmentPerSuite();

  /**
   * What the server and both pages hold when presence did not arrive: which connections the live
   * codebook document has, and whose presence it keeps. Printed so that a failure in CI says whether
   * a page was not connected, connected to something else, or connected without its presence.
   */
  async function describeState(pages: Record<string, Page>): Promise<string> {
    const name = documentNames.codebook(suite.environment.demo.projectId);
    const document = suite.environment.server.hocuspocus.documents.get(name);
    const lines = [`live document: ${document ? 'loaded' : 'not loaded'}`];
    if (document) {
      const users = document.getConnections().map((connection) => (connection.context as { user?: { name: string } }).user?.name ?? '?');
      lines.push(`connections: ${document.getConnectionsCount()} (${users.join(', ')})`);
      lines.push(`presence: ${JSON.stringify([...document.awareness.getStates().values()])}`);
    }
    for (const [who, page] of Object.entries(pages))
      lines.push(`${who}: ${await page.getByTestId('connection-state').textContent()} · ${await page.locator('.presence').textContent()}`);
    return lines.join('\n');
  }

  async function expectPresence(page: Page, name: string, pages: Record<string, Page>): Promise<void> {
    try {
      await expect.poll(() => page.locator('.presence').textContent(), { timeout: presenceWaitMs }).toContain(`Also here: ${name}`);
    } catch (error) {
      console.error(`[codebook presence] ${name} did not appear:\n${await describeState(pages)}`);
      throw error;
    }
  }

  it('shows who else has the codebook open, and forgets them when they leave', { timeout: 120_000 }, async () => {
    const codebookUrl = `${suite.environment.server.url}/p/${suite.environment.demo.projectId}/codebook`;
    const lead = await signedInPage(suite.environment, 'lead@demo.cocode');
    const adjudicator = await signedInPage(suite.environment, 'adjudicator@demo.cocode');
    const pages = { lead: lead.page, adjudicator: adjudicator.page };
    try {
      await lead.page.goto(codebookUrl);
      await lead.page.getByTestId('connection-state').filter({ hasText: 'Saved' }).waitFor();
      await adjudicator.page.goto(codebookUrl);
      // Both directions: the adjudicator's page is live before the lead's is asked about it.
      await expectPresence(adjudicator.page, 'Amira Shah', pages);
      await expectPresence(lead.page, 'Priya Natarajan', pages);
      await adjudicator.context.close();
      await expect.poll(() => lead.page.locator('.presence').textContent(), { timeout: 45_000 }).toContain('Only you are here');
    } finally {
      await adjudicator.context.close();
      await lead.context.close();
    }
  });
});
