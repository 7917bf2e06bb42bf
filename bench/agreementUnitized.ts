/**
 * Unitized agreement benchmark: the full report of `computeUnitizedAgreement` (2016 family + 2004
 * per-code uα + diagnostics) on 100 synthetic transcripts of 60,000 characters, 4 coders and 20,000
 * segments each (5,000 per coder, 30 codes), generated in-process from a fixed seed; once in document
 * order and once shuffled.
 *
 *   npx tsx bench/agreementUnitized.ts
 *
 * Also imported by bench/agreement.ts (runUnitizedBenchmark).
 */

import { pathToFileURL } from 'node:url';
import { computeUnitizedAgreement, type UnitizedInput, type UnitizedSegment } from '../shared/agreement/unitized/index.js';
import { createSeededRandom } from '../shared/agreement/random';

const TRANSCRIPTS = 100;
const CHARACTERS = 60_000;
const CODERS = 4;
const SEGMENTS_PER_CODER = 5_000;
const CODES = 30;
const SEED = 20_161_128;


/**
 * A reference segmentation (units of 3–15 characters, gaps of 0–5) that every coder follows with
 * jittered boundaries and, one time in ten, another code: realistic disagreement, no overlaps
 * within a coder (so the 2016 family sees mutually exclusive codes).
 */
function generateTranscript(random: () => number): UnitizedInput {
  const integer = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
  const reference: Array<{ start: number; end: number; code: number }> = [];
  let cursor = 0;
  for (let s = 0; s < SEGMENTS_PER_CODER; s++) {
    const start = cursor + integer(0, 5);
    const end = Math.min(start + integer(3, 15), CHARACTERS);
    reference.push({ start, end, code: integer(0, CODES - 1) });
    cursor = end;
  }
  const scale = CHARACTERS / Math.max(cursor, CHARACTERS);
  const data: UnitizedSegment[] = [];
  for (let coder = 0; coder < CODERS; coder++) {
    let previousEnd = 0;
    for (const unit of reference) {
      const start = Math.max(previousEnd, Math.floor(unit.start * scale) + integer(-1, 1));
      const end = Math.max(start + 1, Math.floor(unit.end * scale) + integer(-1, 1));
      const code = random() < 0.1 ? integer(0, CODES - 1) : unit.code;
      data.push({ coder: `coder${coder}`, start, end, code: `code${code}` });
      previousEnd = end;
    }
  }
  return { continuum: { begin: 0, end: Math.max(CHARACTERS, previousEndOf(data)) }, data };
}

const previousEndOf = (data: readonly UnitizedSegment[]) => data.reduce((max, segment) => Math.max(max, segment.end), 0);

/** Seeded Fisher–Yates shuffle: the same codings in random order, grouped neither by coder nor by position. */
function shuffled(data: readonly UnitizedSegment[], random: () => number): UnitizedSegment[] {
  const copy = [...data];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

export type InputOrder = 'document order' | 'shuffled';

export interface UnitizedBenchmarkResult {
  order: InputOrder;
  transcripts: number;
  segments: number;
  /** Time inside computeUnitizedAgreement, summed over transcripts. */
  totalMilliseconds: number;
  wallMillisecondsWithGeneration: number;
  peakRssMegabytes: number;
  peakHeapMegabytes: number;
  meanUAlpha: number;
}

/** The whole report on all transcripts, the input in document order or shuffled (outside the timed section). */
function runPass(order: InputOrder): UnitizedBenchmarkResult {
  const random = createSeededRandom(SEED).next;
  // Its own generator, so that both passes see the same transcripts.
  const shuffleRandom = createSeededRandom(SEED + 1).next;
  let peakRss = process.memoryUsage().rss;
  let peakHeap = process.memoryUsage().heapUsed;
  let uAlphaSum = 0;
  let computeMilliseconds = 0;
  const started = performance.now();
  // Transcripts are generated one at a time, outside the timed section, so that the input of all
  // 100 transcripts (2 million segment objects) is never alive at once and its GC cost is not counted.
  for (let t = 0; t < TRANSCRIPTS; t++) {
    const transcript = generateTranscript(random);
    if (order === 'shuffled') transcript.data = shuffled(transcript.data, shuffleRandom);
    const computeStarted = performance.now();
    const { statistics } = computeUnitizedAgreement(transcript);
    computeMilliseconds += performance.now() - computeStarted;
    uAlphaSum += statistics.u_alpha as number;
    const memory = process.memoryUsage();
    peakRss = Math.max(peakRss, memory.rss);
    peakHeap = Math.max(peakHeap, memory.heapUsed);
  }
  const wallMilliseconds = performance.now() - started;
  const result = {
    order,
    transcripts: TRANSCRIPTS,
    segments: TRANSCRIPTS * CODERS * SEGMENTS_PER_CODER,
    totalMilliseconds: computeMilliseconds,
    wallMillisecondsWithGeneration: wallMilliseconds,
    peakRssMegabytes: peakRss / 2 ** 20,
    peakHeapMegabytes: peakHeap / 2 ** 20,
    meanUAlpha: uAlphaSum / TRANSCRIPTS,
  };
  console.log(
    `unitized agreement (${order}): ${result.transcripts} transcripts × ${CHARACTERS.toLocaleString('en')} characters × ${CODERS} coders × ` +
      `${(CODERS * SEGMENTS_PER_CODER).toLocaleString('en')} segments: ${computeMilliseconds.toFixed(0)} ms total ` +
      `(${(computeMilliseconds / TRANSCRIPTS).toFixed(2)} ms per transcript; ${wallMilliseconds.toFixed(0)} ms with data generation), peak RSS ${result.peakRssMegabytes.toFixed(0)} MB, ` +
      `peak heap ${result.peakHeapMegabytes.toFixed(0)} MB, mean uα ${result.meanUAlpha.toFixed(3)}`,
  );
  return result;
}

/**
 * Document order first, as a fresh process would see it (the time includes the JIT warming up),
 * then the same transcripts shuffled (the JIT is warm by then), so that a fast report does not
 * depend on input that arrives sorted.
 */
export async function runUnitizedBenchmark(): Promise<UnitizedBenchmarkResult[]> {
  const results = [runPass('document order'), runPass('shuffled')];
  console.log(`unitized benchmark: peak memory of the process (maxRSS) ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
  return results;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runUnitizedBenchmark();
}
