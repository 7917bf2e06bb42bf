/**
 * REFI-QDA interchange speed: a synthetic project of 100 sources, 20,000 selections and 4 coders,
 * exported to .qdpx and imported back (median of several runs), with peak memory, against the
 * targets import < 5 s and export < 2 s.
 */
import type { ExchangeCoding, ExchangeProject } from '../server/exchange/model';
import { readQdpx, writeQdpx } from '../server/exchange/refi/index';

const SOURCES = 100;
const SELECTIONS = 20_000;
const CODERS = 4;
const CODES = 60;
const TURNS_PER_SOURCE = 120;
const RUNS = 5;
const IMPORT_TARGET_MS = 5_000;
const EXPORT_TARGET_MS = 2_000;

/** Deterministic pseudo-random numbers (mulberry32), so every run measures the same project. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const words = ['care', 'budget', 'rota', 'clinic', 'we', 'changed', 'the', 'process', 'slowly', 'café', 'managers', 'listened', '🙂', 'commissioning', 'GP', 'nurse'];

function syntheticProject(): ExchangeProject {
  const next = random(7);
  const pick = <T>(items: T[]) => items[Math.floor(next() * items.length)];
  const users = Array.from({ length: CODERS }, (_, index) => ({ id: `coder-${index + 1}`, name: `Coder ${index + 1}` }));
  const codes = Array.from({ length: CODES }, (_, index) => ({
    id: `code-${index}`,
    name: `Code ${index}`,
    parentId: index >= 10 ? `code-${index % 10}` : null,
    order: index,
    color: '#336699',
    definition: `Definition of code ${index}.`,
    inclusion: 'Include explicit mentions.',
    exclusion: '',
    example: '',
    archived: false,
  }));
  const sources = Array.from({ length: SOURCES }, (_, index) => ({
    id: `source-${index}`,
    title: `Interview ${index + 1}`,
    turns: Array.from({ length: TURNS_PER_SOURCE }, (_, turn) => ({
      speaker: turn % 2 === 0 ? 'Interviewer' : `P${index + 1}`,
      timestamp: null,
      text: Array.from({ length: 12 + Math.floor(next() * 30) }, () => pick(words)).join(' '),
    })),
    attributes: { site: pick(['North', 'South']), role: pick(['GP', 'Nurse', 'Manager']) },
  }));
  const lengths = sources.map((source) => source.turns.reduce((sum, turn) => sum + turn.text.length + 1, -1));
  const codings: ExchangeCoding[] = Array.from({ length: SELECTIONS }, (_, index) => {
    const sourceIndex = index % SOURCES;
    const start = Math.floor(next() * (lengths[sourceIndex] - 200));
    return {
      id: `coding-${index}`,
      sourceId: `source-${sourceIndex}`,
      layer: { kind: 'coder', userId: users[index % CODERS].id },
      codeId: pick(codes).id,
      start,
      end: start + 1 + Math.floor(next() * 150),
      memo: index % 10 === 0 ? 'A memo on this passage.' : '',
      createdAt: '2024-05-01T12:00:00.000Z',
      createdBy: users[index % CODERS].id,
    };
  });
  return { name: 'Benchmark', blind: true, users, codes, sources, codings };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

const project = syntheticProject();
let peakRss = process.memoryUsage().rss;
let peakHeap = process.memoryUsage().heapUsed;
const sample = () => {
  const usage = process.memoryUsage();
  peakRss = Math.max(peakRss, usage.rss);
  peakHeap = Math.max(peakHeap, usage.heapUsed);
};

/** Wall-clock and CPU milliseconds of one call: on a shared machine the CPU time shows our own cost. */
function timed<T>(work: () => T): { result: T; wallMs: number; cpuMs: number } {
  const cpu = process.cpuUsage();
  const began = performance.now();
  const result = work();
  const wallMs = performance.now() - began;
  const used = process.cpuUsage(cpu);
  sample();
  return { result, wallMs, cpuMs: (used.user + used.system) / 1000 };
}

const exportRuns: { wallMs: number; cpuMs: number }[] = [];
const importRuns: { wallMs: number; cpuMs: number }[] = [];
let archive: Uint8Array = new Uint8Array();
for (let run = 0; run < RUNS; run++) {
  const exported = timed(() => writeQdpx(project));
  archive = exported.result;
  exportRuns.push(exported);
  const imported = timed(() => readQdpx(archive));
  importRuns.push(imported);
  const { report } = imported.result;
  if (report.codings !== SELECTIONS || report.skipped.length > 0) throw new Error(`import lost data: ${JSON.stringify(report).slice(0, 300)}`);
}

const verdict = (ms: number, target: number) => (ms < target ? 'ok' : 'OVER TARGET');
const line = (label: string, runs: { wallMs: number; cpuMs: number }[], target: number) => {
  const wall = median(runs.map((run) => run.wallMs));
  const cpu = median(runs.map((run) => run.cpuMs));
  return `  ${label} ${wall.toFixed(0)} ms wall, ${cpu.toFixed(0)} ms CPU (target < ${target} ms) ${verdict(wall, target)}`;
};
console.log(`REFI-QDA interchange: ${SOURCES} sources, ${SELECTIONS} selections, ${CODERS} coders, ${CODES} codes; .qdpx ${megabytes(archive.length)} (median of ${RUNS} runs)`);
console.log(line('export', exportRuns, EXPORT_TARGET_MS));
console.log(line('import', importRuns, IMPORT_TARGET_MS));
console.log(`  peak rss ${megabytes(peakRss)}, peak heap ${megabytes(peakHeap)}`);
