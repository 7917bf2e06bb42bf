/**
 * SPEC A11: every answer carries the security headers; the web page works under the strict
 * content security policy (no violation while signing in, coding and computing agreement), and no
 * page — the settings page with the blind-mode switch least of all — loads inside another site's frame.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { browserTestsEnabled, codeSelection, demoEnvironmentPerSuite, documentIdByTitle, openTranscript, selectPhrase, signedInPage } from '../helpers/e2e';

describe.runIf(browserTestsEnabled())('security headers', () => {
  const suite = demoEnvironmentPerSuite();

  it('[A11] the page, its assets and the API carry CSP, frame, sniffing and referrer headers; HSTS only over HTTPS', async () => {
    const { url } = suite.environment.server;
    const page = await fetch(`${url}/signin`);
    const html = await page.text();
    const asset = html.match(/src="(\/assets\/[^"]+\.js)"/)?.[1];
    expect(asset, 'the built page loads a script from /assets').toBeTruthy();
    for (const response of [page, await fetch(`${url}${asset}`), await fetch(`${url}/api/health`), await fetch(`${url}/api/me`)]) {
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toMatch(/script-src[^;]*unsafe-(inline|eval)/);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('strict-transport-security')).toBeNull();
    }
    // Behind a TLS-terminating proxy on loopback the request counts as secure.
    const proxied = await fetch(`${url}/api/health`, { headers: { 'x-forwarded-proto': 'https' } });
    expect(proxied.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });

  it('[A11] signing in, coding live and the agreement tab raise no content-security-policy violation', { timeout: 90_000 }, async () => {
    const { environment, projectId } = suite;
    const violations: string[] = [];
    // A coder: for an owner the transcript is editable text, where Enter splits a turn.
    const { context, page } = await signedInPage(environment, 'coder1@demo.cocode');
    try {
      page.on('console', (message) => {
        if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
      });
      await page.exposeFunction('reportViolation', (text: string) => violations.push(text));
      await page.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (event) =>
          (window as unknown as { reportViolation(text: string): void }).reportViolation(`${event.violatedDirective} ${event.blockedURI}`),
        );
      });
      const documentId = await documentIdByTitle(environment.server, projectId, 'Interview 01');
      await openTranscript(page, environment.server.url, projectId, documentId);
      await selectPhrase(page, 'protected time');
      await codeSelection(page, 'Protected time');
      await page.goto(`${environment.server.url}/p/${projectId}/agreement`);
      await page.getByRole('button', { name: 'Compute agreement' }).click();
      await page.getByText(/Krippendorff/).first().waitFor();
      expect(violations).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('[A11] the settings page does not load inside a frame of another site', { timeout: 60_000 }, async () => {
    const { environment, projectId } = suite;
    const settingsUrl = `${environment.server.url}/p/${projectId}/settings`;
    // Another site on this machine: it frames the settings page, and (as a control) a page of its own.
    const attacker = http.createServer((request, response) => {
      response.setHeader('content-type', 'text/html');
      if (request.url === '/own') response.end('<p id="own">framed fine</p>');
      else response.end(`<iframe id="victim" src="${settingsUrl}"></iframe><iframe id="control" src="/own"></iframe>`);
    });
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    const { context, page } = await signedInPage(environment, 'lead@demo.cocode');
    try {
      await page.goto(`http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`);
      await page.frameLocator('#control').locator('#own').waitFor();
      await page.waitForTimeout(1_500);
      const victim = await (await page.$('#victim'))?.contentFrame();
      expect(victim, 'the frame element exists').toBeTruthy();
      expect(victim?.url()).not.toBe(settingsUrl);
      expect(await victim?.getByText(/Blind mode (on|off)/).count()).toBe(0);
    } finally {
      await context.close();
      await new Promise((resolve) => attacker.close(resolve));
    }
  });
});
