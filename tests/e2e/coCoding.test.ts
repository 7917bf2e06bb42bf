/**
 * Two people co-coding in two browser contexts against a real server: live codings, memos and
 * removals; blind mode; a viewer; the owner correcting text under codings; offline coding; and a
 * codebook merge that keeps every coding.
 */
import { describe, expect, it } from 'vitest';
import {
  browserTestsEnabled,
  codeSelection,
  decoratedText,
  demoPassword,
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

describe.runIf(browserTestsEnabled())('co-coding in the browser', () => {
  const suite = demoEnvironmentPerSuite();

  it('shows a coding, its memo and its removal live to the other coder', { timeout: 90_000 }, async () => {
    const documentId = await documentIdByTitle(suite.environment.server, suite.projectId, 'Interview 03');
    const a = await signedInPage(suite.environment, 'coder1@demo.cocode');
    const b = await signedInPage(suite.environment, 'coder2@demo.cocode');
    try {
      await screenshot(a.page, 'projects');
      await openTranscript(a.page, suite.environment.server.url, suite.projectId, documentId);
      await openTranscript(b.page, suite.environment.server.url, suite.projectId, documentId);

      await selectPhrase(a.page, 'Credibility, mainly');
      await a.page.keyboard.press('Enter');
      await a.page.getByTestId('code-picker').waitFor();
      await a.page.keyboard.type('Trusted');
      await screenshot(a.page, 'coding-picker');
      await a.page.keyboard.press('Enter');

      await expect.poll(() => stripe(a.page, 'Trusted relationships').count(), poll).toBe(1);
      await expect.poll(() => stripe(b.page, 'Trusted relationships').count(), poll).toBe(1);
      await expect(stripe(b.page, 'Trusted relationships').textContent()).resolves.toContain('TR');

      await stripe(a.page, 'Trusted relationships').click();
      await a.page.getByTestId('coding-detail').getByLabel('Memo').fill('Councillors defer to GPs on safety.');
      await screenshot(a.page, 'coding-detail');
      await a.page.getByRole('button', { name: 'Save memo' }).click();
      await expect
        .poll(() => stripe(b.page, 'Trusted relationships').getAttribute('aria-label'), poll)
        .toContain('Memo: Councillors defer to GPs on safety.');
      await screenshot(b.page, 'coding-view-other-coder');

      await stripe(a.page, 'Trusted relationships').click();
      await a.page.getByRole('button', { name: 'Remove coding' }).click();
      await expect.poll(() => stripe(a.page, 'Trusted relationships').count(), poll).toBe(0);
      await expect.poll(() => stripe(b.page, 'Trusted relationships').count(), poll).toBe(0);
    } finally {
      await a.context.close();
      await b.context.close();
    }
  });

  it('hides the other coder in blind mode and says why', { timeout: 90_000 }, async () => {
    const documentId = await documentIdByTitle(suite.environment.server, suite.projectId, 'Interview 03');
    const owner = await userRecord(suite.environment.server, 'lead@demo.cocode');
    const a = await signedInPage(suite.environment, 'coder1@demo.cocode');
    const b = await signedInPage(suite.environment, 'coder2@demo.cocode');
    try {
      await suite.environment.server.services.projects.update(owner, suite.projectId, { blind: true });
      await openTranscript(a.page, suite.environment.server.url, suite.projectId, documentId);
      await selectPhrase(a.page, 'The clinicians are stretched thin');
      await codeSelection(a.page, 'Weak management support');
      await expect.poll(() => stripe(a.page, 'Weak management support').count(), poll).toBe(1);

      await openTranscript(b.page, suite.environment.server.url, suite.projectId, documentId);
      await expect(b.page.getByTestId('blind-note').textContent()).resolves.toContain('Blind mode is on');
      await expect(b.page.getByRole('checkbox', { name: 'Tom Reilly' }).count()).resolves.toBe(0);
      await expect(stripe(b.page, 'Weak management support').count()).resolves.toBe(0);
      await screenshot(b.page, 'coding-view-blind');
    } finally {
      await suite.environment.server.services.projects.update(owner, suite.projectId, { blind: false });
      await a.context.close();
      await b.context.close();
    }
  });

  it('lets a viewer read but change nothing', { timeout: 90_000 }, async () => {
    const documentId = await documentIdByTitle(suite.environment.server, suite.projectId, 'Interview 01');
    const owner = await userRecord(suite.environment.server, 'lead@demo.cocode');
    await suite.environment.server.services.projects.addMember(owner, suite.projectId, { email: 'viewer@demo.cocode', role: 'viewer' });
    await suite.environment.server.services.accounts.register({ email: 'viewer@demo.cocode', name: 'Val Viewer', password: demoPassword });
    const viewer = await signedInPage(suite.environment, 'viewer@demo.cocode');
    try {
      await openTranscript(viewer.page, suite.environment.server.url, suite.projectId, documentId);
      await expect.poll(() => viewer.page.getByTestId('connection-state').textContent(), poll).toContain('Read-only');
      await expect(viewer.page.locator('.transcript-text').getAttribute('contenteditable')).resolves.toBe('false');
      // The other coders' codings are visible to read.
      await expect.poll(() => stripe(viewer.page, 'Protected time').count(), poll).toBe(2);

      await selectPhrase(viewer.page, 'planned care board');
      await viewer.page.keyboard.press('Enter');
      await viewer.page.keyboard.type('xyz');
      await expect(viewer.page.getByTestId('code-picker').count()).resolves.toBe(0);
      await expect(viewer.page.locator('.transcript-text').textContent()).resolves.not.toContain('xyz');
      await expect(viewer.page.locator('.banner-info').textContent()).resolves.toContain('viewer');

      await stripe(viewer.page, 'Protected time').first().click();
      const detail = viewer.page.getByTestId('coding-detail');
      await expect(detail.getByRole('button', { name: 'Remove coding' }).count()).resolves.toBe(0);
      await expect(detail.getByLabel('Memo').count()).resolves.toBe(0);
    } finally {
      await viewer.context.close();
    }
  });

  it('keeps codings on their words while the owner corrects the text', { timeout: 90_000 }, async () => {
    const documentId = await documentIdByTitle(suite.environment.server, suite.projectId, 'Interview 01');
    const owner = await signedInPage(suite.environment, 'lead@demo.cocode');
    const a = await signedInPage(suite.environment, 'coder1@demo.cocode');
    try {
      await openTranscript(owner.page, suite.environment.server.url, suite.projectId, documentId);
      await openTranscript(a.page, suite.environment.server.url, suite.projectId, documentId);
      const coded = 'I have two funded sessions a week for it';
      const mine = a.page.locator('.stripe-label:not(:has(.stripe-coder))', { hasText: 'Protected time' });
      await expect.poll(() => mine.count(), poll).toBe(1);
      const codingId = (await mine.getAttribute('data-coding-id')) as string;
      await expect.poll(() => decoratedText(a.page, codingId), poll).toBe(coded);

      await expect(owner.page.locator('.transcript-text').getAttribute('contenteditable')).resolves.toBe('true');
      await selectPhrase(owner.page, 'GP partner');
      await owner.page.keyboard.insertText('senior GP partner');
      // An edit inside the same turn, right before the coded words.
      await selectPhrase(owner.page, 'see the papers');
      await owner.page.keyboard.insertText('read the board papers');
      await screenshot(owner.page, 'coding-view-owner-editing');

      await expect.poll(() => a.page.locator('.transcript-text').textContent(), poll).toContain('senior GP partner');
      await expect.poll(() => a.page.locator('.transcript-text').textContent(), poll).toContain('read the board papers');
      await expect.poll(() => decoratedText(a.page, codingId), poll).toBe(coded);
      await expect.poll(() => decoratedText(owner.page, codingId), poll).toBe(coded);
    } finally {
      await owner.context.close();
      await a.context.close();
    }
  });

  it('keeps coding offline and delivers it on reconnect', { timeout: 90_000 }, async () => {
    const documentId = await documentIdByTitle(suite.environment.server, suite.projectId, 'Interview 02');
    const a = await signedInPage(suite.environment, 'coder1@demo.cocode');
    const b = await signedInPage(suite.environment, 'coder2@demo.cocode');
    try {
      await openTranscript(a.page, suite.environment.server.url, suite.projectId, documentId);
      await openTranscript(b.page, suite.environment.server.url, suite.projectId, documentId);
      await a.context.setOffline(true);
      await expect.poll(() => a.page.getByTestId('connection-state').textContent(), poll).toContain('Offline');

      await selectPhrase(a.page, 'asked why they had to travel across town for a wound dressing');
      await codeSelection(a.page, 'Patient involvement');
      await expect.poll(() => stripe(a.page, 'Patient involvement').count(), poll).toBe(2);
      await screenshot(a.page, 'coding-view-offline');
      await expect(stripe(b.page, 'Patient involvement').count()).resolves.toBe(1);

      await a.context.setOffline(false);
      await expect.poll(() => stripe(b.page, 'Patient involvement').count(), poll).toBe(2);
      await expect.poll(() => a.page.getByTestId('connection-state').textContent(), poll).toContain('Saved');
    } finally {
      await a.context.close();
      await b.context.close();
    }
  });

  it('merges two codes in the codebook without losing a coding', { timeout: 90_000 }, async () => {
    const documentId = await documentIdByTitle(suite.environment.server, suite.projectId, 'Interview 02');
    const owner = await userRecord(suite.environment.server, 'lead@demo.cocode');
    const countAll = async () => (await suite.environment.server.services.codings.list(owner, suite.projectId, documentId, 'all')).length;
    const before = await countAll();
    const lead = await signedInPage(suite.environment, 'lead@demo.cocode');
    const a = await signedInPage(suite.environment, 'coder2@demo.cocode');
    try {
      await openTranscript(a.page, suite.environment.server.url, suite.projectId, documentId);
      await expect.poll(() => stripe(a.page, 'Weak management support').count(), poll).toBe(1);

      await lead.page.goto(`${suite.environment.server.url}/p/${suite.projectId}/codebook`);
      await lead.page.getByRole('treeitem', { name: /Weak management support/ }).click();
      await lead.page.getByLabel('Merge into').selectOption({ label: 'Enabler › Access to data' });
      lead.page.once('dialog', (dialog) => void dialog.accept());
      await lead.page.getByRole('button', { name: 'Merge', exact: true }).click();
      await expect.poll(() => lead.page.getByRole('treeitem', { name: /Weak management support/ }).count(), poll).toBe(0);
      await lead.page.getByRole('treeitem', { name: /Access to data/ }).click();
      await lead.page.getByLabel('Definition').waitFor();
      await lead.page.evaluate(() => window.scrollTo(0, 0));
      await screenshot(lead.page, 'codebook');

      await expect.poll(() => stripe(a.page, 'Weak management support').count(), poll).toBe(0);
      await expect.poll(() => stripe(a.page, 'Access to data').count(), poll).toBe(3);
      await expect(countAll()).resolves.toBe(before);
    } finally {
      await lead.context.close();
      await a.context.close();
    }
  });

  it('codes with the keyboard alone, and with a mouse drag', { timeout: 90_000 }, async () => {
    const documentId = await documentIdByTitle(suite.environment.server, suite.projectId, 'Interview 02');
    const a = await signedInPage(suite.environment, 'coder2@demo.cocode');
    try {
      await openTranscript(a.page, suite.environment.server.url, suite.projectId, documentId);
      const before = await a.page.locator('.stripe-label').count();
      await a.page.locator('.transcript-text').focus();
      await a.page.keyboard.press('ArrowRight');
      await a.page.keyboard.press('Control+Shift+ArrowRight');
      await a.page.keyboard.press('Control+Shift+ArrowRight');
      await a.page.keyboard.press('Enter');
      await a.page.getByTestId('code-picker').waitFor();
      await a.page.keyboard.type('Formal role');
      await a.page.keyboard.press('Enter');
      await expect.poll(() => a.page.locator('.stripe-label').count(), poll).toBe(before + 1);
      const label = a.page.locator('.stripe-label:not(:has(.stripe-coder))', { hasText: 'Formal role' });
      const codingId = (await label.getAttribute('data-coding-id')) as string;
      await expect.poll(() => decoratedText(a.page, codingId), poll).toBe('How are');

      // The margin is reachable by keyboard: open the coding, close it, and focus comes back.
      await label.focus();
      await a.page.keyboard.press('Enter');
      await a.page.getByTestId('coding-detail').waitFor();
      await a.page.keyboard.press('Escape');
      await expect.poll(() => a.page.evaluate(() => document.activeElement?.getAttribute('data-coding-id')), poll).toBe(codingId);

      // A mouse drag over words opens the picker at the selection; 1 applies the most used code.
      const box = await a.page.evaluate(() => {
        const turn = [...document.querySelectorAll('.transcript-text p')].find((p) => p.textContent?.startsWith('Mostly we'));
        const text = turn?.firstChild;
        if (!text) return null;
        const range = document.createRange();
        range.setStart(text, 0);
        range.setEnd(text, 'Mostly we\'re not'.length);
        const rect = range.getBoundingClientRect();
        return { left: rect.left, right: rect.right, y: rect.top + rect.height / 2 };
      });
      if (!box) throw new Error('turn not found');
      await a.page.mouse.move(box.left + 1, box.y);
      await a.page.mouse.down();
      await a.page.mouse.move(box.right - 1, box.y, { steps: 5 });
      await a.page.mouse.up();
      await a.page.getByTestId('code-picker').waitFor();
      await a.page.keyboard.press('1');
      await expect.poll(() => a.page.locator('.stripe-label').count(), poll).toBe(before + 2);
    } finally {
      await a.context.close();
    }
  });

  it('renders the project screens', { timeout: 60_000 }, async () => {
    const lead = await signedInPage(suite.environment, 'lead@demo.cocode');
    try {
      await lead.page.goto(`${suite.environment.server.url}/p/${suite.projectId}`);
      await lead.page.getByRole('link', { name: 'Interview 02: Practice nurse' }).waitFor();
      await expect.poll(() => lead.page.locator('.progress-count').first().textContent(), poll).toMatch(/\d/);
      await screenshot(lead.page, 'project-home');
      await lead.page.getByRole('button', { name: 'Import transcript' }).click();
      await screenshot(lead.page, 'project-import');
      await lead.page.goto(`${suite.environment.server.url}/p/${suite.projectId}/settings`);
      await lead.page.getByRole('heading', { name: 'Blind coding' }).waitFor();
      await screenshot(lead.page, 'settings');
      await lead.page.getByRole('button', { name: 'Sign out' }).click();
      await lead.page.getByRole('heading', { name: 'Sign in' }).waitFor();
      await screenshot(lead.page, 'signin');
    } finally {
      await lead.context.close();
    }
  });
});
