/** The codebook is edited live like a transcript: people see who else has it open. */
import { describe, expect, it } from 'vitest';
import { browserTestsEnabled, demoEnvironmentPerSuite, signedInPage } from '../helpers/e2e';

/**
 * Each browser re-announces its presence every 15 s (y-protocols renews a state at half its 30 s
 * timeout), so a wait of 30 s spans one renewal: on a loaded machine the first announcement can
 * arrive late, and the page must still show it.
 */
const presenceWaitMs = 30_000;

describe.runIf(browserTestsEnabled())('codebook presence', () => {
  const suite = demoEnvironmentPerSuite();

  it('shows who else has the codebook open, and forgets them when they leave', { timeout: 120_000 }, async () => {
    const codebookUrl = `${suite.environment.server.url}/p/${suite.environment.demo.projectId}/codebook`;
    const lead = await signedInPage(suite.environment, 'lead@demo.cocode');
    const adjudicator = await signedInPage(suite.environment, 'adjudicator@demo.cocode');
    try {
      await lead.page.goto(codebookUrl);
      await lead.page.getByTestId('connection-state').filter({ hasText: 'Saved' }).waitFor();
      await adjudicator.page.goto(codebookUrl);
      // Both directions: the adjudicator's page is live before the lead's is asked about it.
      const seenByAdjudicator = adjudicator.page.locator('.presence');
      await expect.poll(() => seenByAdjudicator.textContent(), { timeout: presenceWaitMs }).toContain('Also here: Amira Shah');
      const seenByLead = lead.page.locator('.presence');
      await expect.poll(() => seenByLead.textContent(), { timeout: presenceWaitMs }).toContain('Also here: Priya Natarajan');
      await adjudicator.context.close();
      await expect.poll(() => seenByLead.textContent(), { timeout: 45_000 }).toContain('Only you are here');
    } finally {
      await lead.context.close();
    }
  });
});
