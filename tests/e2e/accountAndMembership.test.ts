/**
 * The account page, being added to a project, leaving one, and progress in blind mode, through the
 * page against a real server: each refusal shows the server's own words.
 */
import { describe, expect, it } from 'vitest';
import { browserTestsEnabled, demoEnvironmentPerSuite, demoPassword, screenshot, signedInPage, userRecord } from '../helpers/e2e';

const poll = { timeout: 15_000, interval: 100 };

describe.runIf(browserTestsEnabled())('account and membership in the browser', () => {
  const suite = demoEnvironmentPerSuite();

  it('changes nothing on a weak password, shows a new API token once and revokes it, and refuses to delete a last owner', { timeout: 90_000 }, async () => {
    const lead = await signedInPage(suite.environment, 'lead@demo.cocode');
    try {
      await lead.page.getByRole('link', { name: 'Amira Shah' }).click();
      await lead.page.getByRole('heading', { name: 'Your account' }).waitFor();

      await lead.page.getByLabel('Current password').fill(demoPassword);
      await lead.page.getByLabel(/^New password/).fill('password');
      await lead.page.getByRole('button', { name: 'Change password' }).click();
      await expect.poll(() => lead.page.getByRole('alert').first().textContent(), poll).toMatch(/password must be at least|password is too weak/);

      await lead.page.getByRole('button', { name: 'Create a token' }).click();
      const token = await lead.page.getByLabel('New API token').inputValue();
      expect(token.length).toBeGreaterThan(20);
      // The token works as a bearer credential for scripts.
      const me = await fetch(`${suite.environment.server.url}/api/me`, { headers: { Authorization: `Bearer ${token}` } });
      expect(me.status).toBe(200);
      await expect.poll(() => lead.page.getByRole('button', { name: /^Revoke the token/ }).count(), poll).toBe(1);
      await screenshot(lead.page, 'account');
      await lead.page.getByRole('button', { name: /^Revoke the token/ }).click();
      await expect.poll(() => lead.page.getByRole('button', { name: /^Revoke the token/ }).count(), poll).toBe(0);
      await expect
        .poll(async () => (await fetch(`${suite.environment.server.url}/api/me`, { headers: { Authorization: `Bearer ${token}` } })).status, poll)
        .toBe(401);

      await lead.page.getByLabel('Password, to confirm').fill(demoPassword);
      await lead.page.getByRole('button', { name: 'Delete my account' }).click();
      await expect.poll(() => lead.page.getByRole('alert').last().textContent(), poll).toContain('Clinical leadership in commissioning (demo)');
      await screenshot(lead.page, 'account-last-owner');
      expect(await userRecord(suite.environment.server, 'lead@demo.cocode')).toBeTruthy();
    } finally {
      await lead.context.close();
    }
  });

  it('shows who added a coder until they say OK, lets them leave, and shows blind coders only their own progress', { timeout: 90_000 }, async () => {
    const { server } = suite.environment;
    const owner = await userRecord(server, 'lead@demo.cocode');
    const second = await server.services.projects.create(owner, { name: 'Pilot interviews' });
    const third = await server.services.projects.create(owner, { name: 'Follow-up interviews' });
    await server.services.projects.addMember(owner, second.id, { email: 'coder1@demo.cocode', role: 'coder' });
    await server.services.projects.addMember(owner, third.id, { email: 'coder1@demo.cocode', role: 'coder' });
    const coder = await signedInPage(suite.environment, 'coder1@demo.cocode');
    try {
      const notices = coder.page.getByRole('note');
      await expect.poll(() => notices.count(), poll).toBe(2);
      await expect(notices.first().textContent()).resolves.toContain('Added by Amira Shah (lead@demo.cocode)');
      await screenshot(coder.page, 'projects-added-by');
      await coder.page.getByRole('note', { name: /Pilot interviews/ }).getByRole('button', { name: 'OK' }).click();
      await expect.poll(() => notices.count(), poll).toBe(1);
      await coder.page.getByRole('button', { name: 'Leave Follow-up interviews' }).click();
      await expect.poll(() => coder.page.getByRole('link', { name: /Follow-up interviews/ }).count(), poll).toBe(0);
      await coder.page.reload();
      await coder.page.getByRole('link', { name: /Pilot interviews/ }).waitFor();
      expect(await notices.count()).toBe(0);

      await server.services.projects.update(owner, suite.projectId, { blind: true });
      await coder.page.goto(`${server.url}/p/${suite.projectId}`);
      await coder.page.getByTestId('blind-progress-note').waitFor();
      const firstRow = coder.page.getByRole('list', { name: /^Codings in Interview 01/ });
      await expect.poll(() => firstRow.getByRole('listitem').allTextContents(), poll).toEqual([expect.stringMatching(/You\d+$/)]);
      await screenshot(coder.page, 'project-home-blind');

      // Leaving from settings: the last owner is refused with the server's words.
      const lead = await signedInPage(suite.environment, 'lead@demo.cocode');
      try {
        await lead.page.goto(`${server.url}/p/${second.id}/settings`);
        lead.page.once('dialog', (dialog) => void dialog.accept());
        await lead.page.getByRole('button', { name: 'Leave this project' }).click();
        await expect.poll(() => lead.page.getByRole('alert').textContent(), poll).toContain('at least one owner');
        await screenshot(lead.page, 'settings-leave-refused');
      } finally {
        await lead.context.close();
      }
    } finally {
      await server.services.projects.update(owner, suite.projectId, { blind: false });
      await coder.context.close();
    }
  });
});
