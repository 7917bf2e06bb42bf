/**
 * Browser end-to-end helpers: a real cocode server in-process (temp data dir, demo seed, the built
 * client), Chromium through playwright-core, and page actions shared by the scenarios.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { type CocodeServer, startCocodeServer } from '../../server/app';
import { loadConfig } from '../../server/config';
import { type DemoSummary, seedDemoProject } from '../../server/demo';
import { afterAll, beforeAll } from 'vitest';
import { chromiumArgs, chromiumPath } from './chromium';


const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const clientDistDir = path.join(repoRoot, 'client', 'dist');
export const artifactsDir = path.join(repoRoot, 'tests', 'artifacts');
/** The demo accounts' password in browser tests (a real start picks a random one). */
export const demoPassword = 'orchard lantern demo';

/**
 * Without Chromium the browser tests are skipped with a notice on a developer machine, but a CI
 * run must not pass silently: there they run and fail at launch.
 */
export function browserTestsEnabled(): boolean {
  if (existsSync(chromiumPath)) return true;
  if (process.env.CI) return true;
  console.warn(`\n[e2e] SKIPPED: ${chromiumPath} is missing. Install it with: apt-get update && apt-get install -y chromium\n`);
  return false;
}

export interface E2eEnvironment {
  server: CocodeServer;
  demo: DemoSummary;
  browser: Browser;
  close(): Promise<void>;
}

export async function startE2eEnvironment(): Promise<E2eEnvironment> {
  if (!existsSync(path.join(clientDistDir, 'index.html'))) throw new Error('client/dist is missing: run `npm run build` first');
  const dataDir = mkdtempSync(path.join(tmpdir(), 'cocode-e2e-'));
  const server = await startCocodeServer(loadConfig({}, { port: 0, host: '127.0.0.1', dataDir, quiet: true, clientDistDir }));
  const demo = await seedDemoProject(server.services, server.storage.relational, demoPassword);
  if (!demo) throw new Error('the demo seed did not run on an empty store');
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  mkdirSync(artifactsDir, { recursive: true });
  return {
    server,
    demo,
    browser,
    async close() {
      await browser.close();
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * One demo environment per test file: started before its tests, closed after them. Tests read
 * `suite.environment` and `suite.projectId` (the demo project) once the hooks have run.
 */
export function demoEnvironmentPerSuite(): { environment: E2eEnvironment; projectId: string } {
  const suite = {} as { environment: E2eEnvironment; projectId: string };
  beforeAll(async () => {
    suite.environment = await startE2eEnvironment();
    suite.projectId = suite.environment.demo.projectId;
  });
  afterAll(async () => {
    await suite.environment?.close();
  });
  return suite;
}

export async function userRecord(server: CocodeServer, email: string) {
  const user = await server.storage.relational.getUserByEmail(email);
  if (!user) throw new Error(`no demo account ${email}`);
  return user;
}

export async function documentIdByTitle(server: CocodeServer, projectId: string, titleStart: string): Promise<string> {
  const document = (await server.storage.relational.listDocuments(projectId)).find((d) => d.title.startsWith(titleStart));
  if (!document) throw new Error(`no document titled ${titleStart}…`);
  return document.id;
}

/** A fresh browser context signed in through the real sign-in form. */
export async function signedInPage(environment: E2eEnvironment, email: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await environment.browser.newContext({ viewport: { width: 1440, height: 960 } });
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`[e2e ${email}] page error: ${error.message}`));
  await page.goto(`${environment.server.url}/signin`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(demoPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Your projects' }).waitFor();
  return { context, page };
}

export async function openTranscript(page: Page, serverUrl: string, projectId: string, documentId: string): Promise<void> {
  await page.goto(`${serverUrl}/p/${projectId}/d/${documentId}`);
  await page.locator('[data-testid="transcript"][data-synced="true"]').waitFor();
}

/**
 * Selects a phrase in the transcript the way a keyboard user ends up with one (a DOM selection
 * inside the focused transcript); decorations split text nodes, so offsets are walked per turn.
 */
export async function selectPhrase(page: Page, phrase: string): Promise<void> {
  const found = await page.evaluate((wanted) => {
    const root = document.querySelector<HTMLElement>('.transcript-text');
    if (!root) return false;
    root.focus();
    for (const turn of root.querySelectorAll('p')) {
      const at = (turn.textContent ?? '').indexOf(wanted);
      if (at < 0) continue;
      const walker = document.createTreeWalker(turn, NodeFilter.SHOW_TEXT);
      const locate = (offset: number, preferNext: boolean): [Node, number] | null => {
        walker.currentNode = turn;
        let seen = 0;
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const length = node.textContent?.length ?? 0;
          if (offset < seen + length || (!preferNext && offset === seen + length)) return [node, offset - seen];
          seen += length;
        }
        return null;
      };
      const start = locate(at, true);
      const end = locate(at + wanted.length, false);
      if (!start || !end) return false;
      window.getSelection()?.setBaseAndExtent(start[0], start[1], end[0], end[1]);
      return true;
    }
    return false;
  }, phrase);
  if (!found) throw new Error(`phrase not in the transcript: ${phrase}`);
}

/** Keyboard-only coding: Enter opens the picker at the selection, typing filters, Enter applies. */
export async function codeSelection(page: Page, codeName: string): Promise<void> {
  await page.keyboard.press('Enter');
  const picker = page.getByTestId('code-picker');
  await picker.waitFor();
  await page.keyboard.type(codeName);
  await picker.getByRole('option', { name: new RegExp(codeName) }).first().waitFor();
  await page.keyboard.press('Enter');
  await picker.waitFor({ state: 'detached' });
}

export function stripe(page: Page, codeName: string) {
  return page.locator('.stripe-label', { hasText: codeName });
}

/** The text a coding's decorations cover, by its id (segments are joined in document order). */
export async function decoratedText(page: Page, codingId: string): Promise<string> {
  return page.evaluate((id) => [...document.querySelectorAll(`.transcript-text .coding-${id}`)].map((n) => n.textContent).join(''), codingId);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(artifactsDir, `${name}.png`), fullPage: false });
}
