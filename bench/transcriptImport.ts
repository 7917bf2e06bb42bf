/**
 * `npx tsx bench/transcriptImport.ts`: a two-hour recorded interview as WebVTT (1,800 cues of about
 * four seconds, three speakers, voice tags and inline styling like a meeting tool exports) read
 * end to end from bytes to speaker turns, then pseudonymised with a 60-name mapping. Prints the
 * median of several runs against the target: under one second for the file.
 */
import { defaultLimits } from '../server/config';
import { sourceText } from '../server/exchange/model';
import { type PseudonymEntry, pseudonymise } from '../server/exchange/transcripts/pseudonymise';
import { readTranscriptFile } from '../server/exchange/transcripts/transcriptFile';

const CUES = 1_800;
const CUE_SECONDS = 4;
const SPEAKERS = ['Interviewer', 'Dr Amara Okafor', 'Practice Manager'];
const TIMED_RUNS = 9;
const TARGET_MS = 1_000;
const WORDS = 'the board met every month and we talked about referrals funding waiting lists staff morale and what the practice could change next year'.split(' ');

/** Deterministic, so every run and every machine times the same file. */
function lcg(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

const clock = (seconds: number) => {
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  return `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}.000`;
};

function syntheticVtt(): string {
  const random = lcg(7);
  const blocks = ['WEBVTT\n\nNOTE synthetic two-hour interview for the import benchmark'];
  let speaker = 0;
  for (let cue = 0; cue < CUES; cue += 1) {
    // A speaker holds the floor for a few cues, as people do, so merging has work to do.
    if (random() < 0.3) speaker = (speaker + 1 + Math.floor(random() * 2)) % SPEAKERS.length;
    const words = Array.from({ length: 8 + Math.floor(random() * 8) }, () => WORDS[Math.floor(random() * WORDS.length)]);
    if (random() < 0.2) words[2] = `<i>${words[2]}</i>`;
    const start = cue * CUE_SECONDS;
    blocks.push(`${cue + 1}\n${clock(start)} --> ${clock(start + CUE_SECONDS - 1)} align:start\n<v ${SPEAKERS[speaker]}>${words.join(' ')}.</v>`);
  }
  return `${blocks.join('\n\n')}\n`;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main(): Promise<void> {
  const bytes = new TextEncoder().encode(syntheticVtt());
  const mapping: PseudonymEntry[] = [
    { original: 'Dr Amara Okafor', replacement: '[GP-1]' },
    ...Array.from({ length: 59 }, (_, index) => ({ original: `Person${index} Surname${index}`, replacement: `[P-${index + 1}]` })),
  ];
  const readTimes: number[] = [];
  const pseudonymiseTimes: number[] = [];
  let summary = '';
  // One untimed run first, so the timed ones measure steady-state code rather than compilation.
  for (let run = 0; run <= TIMED_RUNS; run += 1) {
    const readStart = performance.now();
    const result = await readTranscriptFile({ fileName: 'interview.vtt', bytes, limits: defaultLimits });
    const readEnd = performance.now();
    const pseudonymised = pseudonymise(result.turns, mapping);
    const pseudonymiseEnd = performance.now();
    if (run === 0) {
      summary = `${(bytes.length / 1024).toFixed(0)} KiB, ${CUES} cues → ${result.turns.length} turns, ${sourceText(result).length} characters, ${pseudonymised.counts[0].inSpeakers} speaker labels pseudonymised`;
      continue;
    }
    readTimes.push(readEnd - readStart);
    pseudonymiseTimes.push(pseudonymiseEnd - readEnd);
  }
  const readMedian = median(readTimes);
  console.log(`transcript import: synthetic 2-hour WebVTT (${summary})`);
  console.log(
    `  read VTT → turns: median ${readMedian.toFixed(1)} ms of ${TIMED_RUNS} runs (target < ${TARGET_MS} ms): ${readMedian < TARGET_MS ? 'OK' : 'TOO SLOW'}`,
  );
  console.log(`  pseudonymise (${mapping.length} names): median ${median(pseudonymiseTimes).toFixed(1)} ms`);
  if (readMedian >= TARGET_MS) process.exitCode = 1;
}

await main();
