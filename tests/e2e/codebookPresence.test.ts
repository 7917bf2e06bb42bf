/** The codebook is edited live like a transcript: people see who else has it open. */
import { describe, expect, it } from 'vitest';
import { browserTestsEnabled, demoEnvironmentPerSuite, signedInPage } from '../helpers/e2e';

describe.runIf(browserTestsEnabled())('codebook presence', () => {
  const suite = demoEnvironmentPerSuite();

  it('shows who else has the codebook open, and forgets them when they leave', { timeout: 60_000 }, async () => {
    const codebookUrl = `${suite.environment.server.url}/p/${suite.environment.demo.projectId}/codebook`;
    const lead = await signedInPage(suite.environment, 'lead@demo.cocode');
    const adjudicator = await signedInPage(suite.environment, 'adjudicator@demo.cocode');
    try {
      await lead.page.goto(codebookUrl);
      await adjudicator.page.goto(codebookUrl);
      const presence = lead.page.locator('.presence');
      await expect.poll(() => presence.textContent(), { timeout: 15_000 }).toContain('Also here: Priya Natarajan');
      await adjudicator.context.close();
      await expect.poll(() => presence.textContent(), { timeout: 45_000 }).toContain('Only you are here');
    } finally {
      await lead.context.close();
    }
  });
});
