/**
 * Coding-view performance in a real browser, on a transcript the size of a long interview:
 * 30,000 words in ~500 speaker turns with 3,000 codings by 3 coders (seeded, so every run codes
 * the same words).
 *
 * A real cocode server runs in-process (temp data dir, the built client in client/dist); headless
 * Chromium opens the coding view as one of the coders, who sees all three layers. Timings come from
 * `performance.now()` inside the pages and MutationObservers on the transcript, never from sleeps:
 *
 * - first text: navigation start → the first transcript turn has its words in the DOM;
 * - interactive: navigation start → every one of the 3,000 codings has its decoration in the DOM
 *   and the transcript accepts coding (the picker opens on a selection);
 * - apply, local: Enter in the code picker → the new coding's decoration is in the DOM (and the
 *   next animation frame, i.e. the browser has had the chance to paint it);
 * - apply, remote: the same Enter → the decoration is in the DOM of a second coder's browser
 *   context (both pages share this machine's clock through `performance.timeOrigin`).
 *
 * Medians of several trials are printed next to the targets. Build the client first.
 *
 *   npm run build && npx tsx bench/ui.ts
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { startCocodeServer } from '../server/app';
import { loadConfig } from '../server/config';
import { chromiumArgs, chromiumPath } from '../tests/helpers/chromium';

const turnCount = 500;
const wordsTotal = 30_000;
const codingsPerCoder = 1_000;
const coderCount = 3;
const openTrials = 10;
const applyTrials = 10;
const targets = { openMs: 1_500, applyLocalMs: 50, applyRemoteMs: 150 };
const password = 'orchard lantern velvet';
const clientDistDir = fileURLToPath(new URL('../client/dist', import.meta.url));

/** mulberry32: a small seeded generator, so the transcript and the codings are the same every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const vocabulary = (
  'the practice board clinical lead commissioning we they GPs patients nurses money time data meeting decision pathway ' +
  'service hospital community budget quality care planned urgent referral waiting list pressure support manager team ' +
  'really honestly think know because so but and then when where which would could should never always often sometimes ' +
  'people colleagues partners trust relationship evidence outcome improvement redesign contract provider local national ' +
  'report committee governance assurance template process paperwork session backfill protected involvement voice'
).split(' ');

function generateTranscript(random: () => number): string {
  const lines: string[] = [];
  const wordsPerTurn = wordsTotal / turnCount;
  for (let turn = 0; turn < turnCount; turn += 1) {
    const speaker = turn % 2 === 0 ? 'Interviewer' : 'P7';
    // Interviewer questions are short, answers long; the mean stays at 60 words per turn.
    const length = Math.max(4, Math.round(turn % 2 === 0 ? wordsPerTurn * 0.4 * (0.5 + random()) : wordsPerTurn * 1.6 * (0.5 + random())));
    const words: string[] = [];
    for (let word = 0; word < length; word += 1) words.push(vocabulary[Math.floor(random() * vocabulary.length)]);
    words[0] = words[0][0].toUpperCase() + words[0].slice(1);
    lines.push(`${speaker}: ${words.join(' ')}.`);
  }
  return lines.join('\n');
}

/** Random word-aligned ranges of roughly 5–600 characters, some spanning turns. */
function codingRanges(text: string, count: number, random: () => number): { start: number; end: number }[] {
  const wordStarts: number[] = [];
  for (let i = 0; i < text.length; i += 1) if (/\S/.test(text[i]) && (i === 0 || /\s/.test(text[i - 1]))) wordStarts.push(i);
  const ranges: { start: number; end: number }[] = [];
  while (ranges.length < count) {
    const start = wordStarts[Math.floor(random() * wordStarts.length)];
    const wanted = 5 + Math.floor(random() ** 2 * 595);
    let end = Math.min(text.length, start + wanted);
    while (end < text.length && /\S/.test(text[end])) end += 1;
    while (end > start && /\s/.test(text[end - 1])) end -= 1;
    if (end > start) ranges.push({ start, end });
  }
  return ranges;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Installed in every page before its scripts run: records when the transcript first shows words
 * and when every coding has its decoration, and arms per-trial watches for a new coding.
 */
function pageHarness(expectedCodings: number) {
  interface Bench {
    firstText: number | null;
    allDecorated: number | null;
    codable: number | null;
    decoratedCount: number;
    watch: { turn: number; known: number; seenAt: number | null; seenAtEpoch: number | null; paintedAt: number | null } | null;
    keyAt: number | null;
    keyAtEpoch: number | null;
  }
  const bench: Bench = { firstText: null, allDecorated: null, codable: null, decoratedCount: 0, watch: null, keyAt: null, keyAtEpoch: null };
  (window as unknown as { __bench: Bench }).__bench = bench;
  const codingIdsIn = (root: Element) => {
    const ids = new Set<string>();
    for (const span of root.querySelectorAll('.coding'))
      for (const name of span.classList) if (name.startsWith('coding-')) ids.add(name);
    return ids.size;
  };
  const check = () => {
    const transcript = document.querySelector('.transcript-text');
    if (!transcript) return;
    if (bench.codable === null && document.querySelector('.transcript-sheet.can-code')) bench.codable = performance.now();
    if (bench.firstText === null && (transcript.querySelector('p')?.textContent?.length ?? 0) > 0) bench.firstText = performance.now();
    if (bench.allDecorated === null && bench.firstText !== null) {
      bench.decoratedCount = codingIdsIn(transcript);
      if (bench.decoratedCount >= expectedCodings) bench.allDecorated = performance.now();
    }
    const watch = bench.watch;
    if (watch && watch.seenAt === null) {
      const turn = transcript.children[watch.turn];
      if (turn && codingIdsIn(turn) > watch.known) {
        watch.seenAt = performance.now();
        watch.seenAtEpoch = performance.timeOrigin + watch.seenAt;
        requestAnimationFrame(() => {
          watch.paintedAt = performance.now();
        });
      }
    }
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['class'], characterData: true });
  // The moment Enter reaches the page (capture phase, before the picker's own handler runs).
  window.addEventListener(
    'keydown',
    (event) => {
      if (event.key !== 'Enter' || !(event.target instanceof HTMLElement) || !event.target.closest('[data-testid="code-picker"]')) return;
      bench.keyAt = performance.now();
      bench.keyAtEpoch = performance.timeOrigin + bench.keyAt;
    },
    true,
  );
}

interface BenchState {
  firstText: number | null;
  allDecorated: number | null;
  codable: number | null;
  decoratedCount: number;
  watch: { seenAt: number | null; seenAtEpoch: number | null; paintedAt: number | null } | null;
  keyAt: number | null;
  keyAtEpoch: number | null;
}

const readBench = (page: Page) => page.evaluate(() => (window as unknown as { __bench: BenchState }).__bench);

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Selects a few words in one turn (scrolled into view) through the DOM selection, as a coder would. */
async function selectWordsInTurn(page: Page, turn: number): Promise<void> {
  const ok = await page.evaluate((index) => {
    const paragraph = document.querySelector('.transcript-text')?.children[index];
    if (!paragraph) return false;
    paragraph.scrollIntoView({ block: 'center' });
    (document.querySelector('.transcript-text') as HTMLElement).focus();
    const walker = document.createTreeWalker(paragraph, NodeFilter.SHOW_TEXT);
    const texts: Text[] = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) texts.push(node as Text);
    const first = texts[0];
    const last = texts[Math.min(texts.length - 1, 2)];
    if (!first || !last) return false;
    window.getSelection()?.setBaseAndExtent(first, 0, last, last.length);
    return true;
  }, turn);
  if (!ok) throw new Error(`turn ${turn} is not rendered`);
}

async function main() {
  if (!existsSync(path.join(clientDistDir, 'index.html'))) throw new Error('client/dist is missing: run `npm run build` first');
  if (!existsSync(chromiumPath)) throw new Error(`${chromiumPath} is missing`);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'cocode-bench-ui-'));
  const server = await startCocodeServer(loadConfig({}, { port: 0, host: '127.0.0.1', dataDir, quiet: true, openRegistration: true }));
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  try {
    const random = seededRandom(20_240_611);
    const { services } = server;
    const seedStarted = performance.now();
    const owner = await services.accounts.register({ email: 'lead@bench.cocode', name: 'Bench Lead', password });
    const project = await services.projects.create(owner, { name: 'UI benchmark', blind: false });
    const coders = [];
    for (let n = 1; n <= coderCount; n += 1) {
      await services.projects.addMember(owner, project.id, { email: `coder${n}@bench.cocode`, role: 'coder' });
      coders.push(await services.accounts.register({ email: `coder${n}@bench.cocode`, name: `Coder ${n}`, password }));
    }
    const codeIds: string[] = [];
    for (const [order, group] of ['Enabler', 'Blocker', 'Mode of engagement', 'Benefit targeted'].entries()) {
      const parent = await services.codebook.create(owner, project.id, { name: group, order });
      for (const child of ['one', 'two', 'three']) codeIds.push((await services.codebook.create(owner, project.id, { name: `${group} ${child}`, parentId: parent.id })).id);
    }
    const transcript = generateTranscript(random);
    const transcriptRecord = await services.documents.create(owner, project.id, { title: 'Long interview', text: transcript, attributes: { participant: 'P7' } });
    const { text } = await services.documents.get(owner, project.id, transcriptRecord.id);
    const codingsStarted = performance.now();
    for (const coder of coders) {
      for (const range of codingRanges(text, codingsPerCoder, random)) {
        await services.codings.create(coder, project.id, transcriptRecord.id, { codeId: codeIds[Math.floor(random() * codeIds.length)], ...range });
      }
    }
    const expected = codingsPerCoder * coderCount;
    console.log(
      `seeded ${text.split(/\s+/).length} words in ${turnCount} turns (${text.length} characters) and ${expected} codings ` +
        `(codings took ${((performance.now() - codingsStarted) / 1000).toFixed(1)} s, all seeding ${((performance.now() - seedStarted) / 1000).toFixed(1)} s)`,
    );

    const contextFor = async (email: string): Promise<BrowserContext> => {
      const context = await browser.newContext({ viewport: { width: 1440, height: 960 } });
      const response = await context.request.post(`${server.url}/api/auth/login`, { data: { email, password } });
      if (!response.ok()) throw new Error(`sign-in of ${email} failed: ${response.status()}`);
      // tsx names functions with an `__name` helper that exists only in Node: give the page a no-op one.
      await context.addInitScript({ content: `window.__name = (fn) => fn; (${pageHarness.toString()})(${expected});` });
      return context;
    };
    const codingUrl = `${server.url}/p/${project.id}/d/${transcriptRecord.id}`;
    const local = await (await contextFor('coder1@bench.cocode')).newPage();
    const remote = await (await contextFor('coder2@bench.cocode')).newPage();
    local.on('pageerror', (error) => console.error(`[page error] ${error.message}`));

    const firstText: number[] = [];
    const interactive: number[] = [];
    for (let trial = 0; trial < openTrials; trial += 1) {
      await local.goto(codingUrl);
      const state = await until(() => readBench(local), (s) => s.allDecorated !== null && s.codable !== null, 'every decoration');
      // The picker must open on a selection: that is what "interactive" means for a coder.
      await selectWordsInTurn(local, 3);
      await local.keyboard.press('Enter');
      await local.getByTestId('code-picker').waitFor();
      await local.keyboard.press('Escape');
      firstText.push(state.firstText as number);
      interactive.push(Math.max(state.allDecorated as number, state.codable as number));
    }

    await remote.goto(codingUrl);
    await until(() => readBench(remote), (s) => s.allDecorated !== null, 'every decoration in the second context');
    const applyLocal: number[] = [];
    const applyLocalPainted: number[] = [];
    const applyRemote: number[] = [];
    for (let trial = 0; trial < applyTrials; trial += 1) {
      const turn = 11 + trial * 7;
      await selectWordsInTurn(local, turn);
      await local.keyboard.press('Enter');
      const picker = local.getByTestId('code-picker');
      await picker.waitFor();
      await local.keyboard.type('Enabler two');
      await picker.getByRole('option', { name: /Enabler two/ }).first().waitFor();
      for (const page of [local, remote])
        await page.evaluate((index) => {
          const bench = (window as unknown as { __bench: { watch: unknown } }).__bench;
          const paragraph = document.querySelector('.transcript-text')?.children[index];
          const known = new Set<string>();
          for (const span of paragraph?.querySelectorAll('.coding') ?? [])
            for (const name of span.classList) if (name.startsWith('coding-')) known.add(name);
          bench.watch = { turn: index, known: known.size, seenAt: null, seenAtEpoch: null, paintedAt: null };
        }, turn);
      await local.keyboard.press('Enter');
      const seen = await until(() => readBench(local), (s) => s.watch?.paintedAt != null, 'the local decoration');
      const seenRemotely = await until(() => readBench(remote), (s) => s.watch?.seenAtEpoch != null, 'the remote decoration');
      const keyAt = seen.keyAt as number;
      applyLocal.push((seen.watch?.seenAt as number) - keyAt);
      applyLocalPainted.push((seen.watch?.paintedAt as number) - keyAt);
      applyRemote.push((seenRemotely.watch?.seenAtEpoch as number) - (seen.keyAtEpoch as number));
    }

    const row = (label: string, values: number[], target: number | null) => {
      const value = median(values);
      const verdict = target === null ? '' : value <= target ? `target < ${target} ms: met` : `target < ${target} ms: MISSED`;
      console.log(`${label.padEnd(44)} ${value.toFixed(0).padStart(6)} ms   ${verdict}   (trials: ${values.map((v) => v.toFixed(0)).join(', ')})`);
    };
    console.log(`\ncoding view, ${turnCount} turns, ${expected} codings, medians of ${openTrials} opens and ${applyTrials} applies`);
    row('open → first transcript text', firstText, targets.openMs);
    row('open → interactive (all decorations, picker)', interactive, targets.openMs);
    row('apply (Enter) → decoration in DOM, local', applyLocal, targets.applyLocalMs);
    row('apply (Enter) → next frame after it, local', applyLocalPainted, null);
    row('apply (Enter) → decoration in DOM, remote', applyRemote, targets.applyRemoteMs);
  } finally {
    await browser.close();
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
// Provider sockets and store timers of the in-process server keep Node alive after it closed.
process.exit(0);
