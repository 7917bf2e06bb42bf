/**
 * `npm run bench:agreement`: coded-unit agreement speed against NLTK on 100,000 units × 5 coders ×
 * 8 categories with 20 % missing, bootstrap timings on 10,000 and 100,000 units, then the unitized
 * benchmark when it exists.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { computeCodedAgreement } from '../shared/agreement/coded';
import { BENCHMARK_SPEC, generateCodingMatrix } from './agreementData';

const SYSTEM_PYTHON = '/usr/bin/python3';
const TIMED_RUNS = 9;
const NLTK_RUNS = 3;
const benchDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(benchDir, '..');

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const ms = (value: number) => `${value.toFixed(1)} ms`;
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

/** Times only `AnnotationTask.alpha()` (the task is built beforehand), median of a few runs. */
const NLTK_ALPHA_SCRIPT = `
import json, sys, time, statistics
from nltk.metrics.agreement import AnnotationTask
rows = json.load(open(sys.argv[1]))["data"]
triples = [(str(c), str(u), v) for u, row in enumerate(rows) for c, v in enumerate(row) if v is not None]
task = AnnotationTask(data=triples)
times = []
for _ in range(int(sys.argv[2])):
    start = time.perf_counter()
    alpha = task.alpha()
    times.append(time.perf_counter() - start)
print(json.dumps({"alpha": alpha, "seconds": statistics.median(times)}))
`;

/** The whole job as a user would run it: read the file, build the task, print alpha. */
const NLTK_PROCESS_SCRIPT = `
import json, sys
from nltk.metrics.agreement import AnnotationTask
rows = json.load(open(sys.argv[1]))["data"]
task = AnnotationTask(data=[(str(c), str(u), v) for u, row in enumerate(rows) for c, v in enumerate(row) if v is not None])
print(task.alpha())
`;

function nltkAvailable(): boolean {
  if (!existsSync(SYSTEM_PYTHON)) return false;
  return spawnSync(SYSTEM_PYTHON, ['-c', 'import nltk'], { encoding: 'utf8' }).status === 0;
}

function timeProcess(command: string, args: string[]): { seconds: number; stdout: string; status: number | null; stderr: string } {
  const start = performance.now();
  const result = spawnSync(command, args, { cwd: repoRoot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { seconds: (performance.now() - start) / 1000, stdout: result.stdout, stderr: result.stderr, status: result.status };
}

const spec = BENCHMARK_SPEC;
console.log(
  `Coded-unit agreement: ${spec.units.toLocaleString('en')} units × ${spec.coders} coders × ${spec.categories} categories, ${spec.missingShare * 100}% missing (seed ${spec.seed})`,
);
const matrix = generateCodingMatrix(spec);

// Warm-up lets the JIT compile the hot loops, as it will have in a long-running server.
for (let i = 0; i < 3; i++) computeCodedAgreement(matrix, { level: 'interval' });
const runs: number[] = [];
let result = computeCodedAgreement(matrix, { level: 'interval' });
for (let i = 0; i < TIMED_RUNS; i++) {
  const start = performance.now();
  result = computeCodedAgreement(matrix, { level: 'interval' });
  runs.push(performance.now() - start);
}
const statisticCount = Object.keys(result.statistics).filter((key) => !/_(pa|pe)$/.test(key)).length;
const cocodeMs = median(runs);
console.log(`  cocode, all ${statisticCount} coefficients + their Pa/Pe (median of ${TIMED_RUNS}): ${ms(cocodeMs)}   [min ${ms(Math.min(...runs))}, max ${ms(Math.max(...runs))}]`);
console.log(`  cocode kripp_alpha_nominal = ${result.statistics.kripp_alpha_nominal}`);

// Bootstrap intervals: Hayes & Krippendorff pair resampling for the four alphas, unit resampling for
// the other coefficients, 1,000 draws each, at two data sizes.
const BOOTSTRAP_DRAWS = 1000;
const BOOTSTRAP_RUNS = 3;
for (const units of [10_000, spec.units]) {
  const data = units === spec.units ? matrix : generateCodingMatrix({ ...spec, units });
  const times: number[] = [];
  for (let run = 0; run < BOOTSTRAP_RUNS; run++) {
    const start = performance.now();
    computeCodedAgreement(data, { level: 'interval', bootstrap: { draws: BOOTSTRAP_DRAWS, seed: 1 } });
    times.push(performance.now() - start);
  }
  console.log(
    `  cocode bootstrap, ${BOOTSTRAP_DRAWS.toLocaleString('en')} draws on ${units.toLocaleString('en')} units (all coefficients + intervals, median of ${BOOTSTRAP_RUNS}): ` +
      `${ms(median(times))}   [min ${ms(Math.min(...times))}, max ${ms(Math.max(...times))}]`,
  );
}

const workDir = mkdtempSync(path.join(tmpdir(), 'cocode-bench-'));
try {
  const dataFile = path.join(workDir, 'reliability-100k.json');
  writeFileSync(dataFile, JSON.stringify({ level: 'interval', data: matrix }));

  if (!nltkAvailable()) {
    console.log(`  NOTICE: NLTK not found for ${SYSTEM_PYTHON} (Debian: apt-get install python3-nltk); NLTK comparison skipped.`);
  } else {
    const nltk = timeProcess(SYSTEM_PYTHON, ['-c', NLTK_ALPHA_SCRIPT, dataFile, String(NLTK_RUNS)]);
    if (nltk.status !== 0) throw new Error(`NLTK run failed: ${nltk.stderr}`);
    const { alpha, seconds } = JSON.parse(nltk.stdout) as { alpha: number; seconds: number };
    const nltkMs = seconds * 1000;
    console.log(`  NLTK AnnotationTask.alpha only (median of ${NLTK_RUNS}):    ${ms(nltkMs)}   alpha = ${alpha}`);
    console.log(`  ratio: cocode (all statistics) is ${(nltkMs / cocodeMs).toFixed(1)}× faster than NLTK (alpha alone)`);
    console.log(`  |cocode α − NLTK α| = ${Math.abs(alpha - (result.statistics.kripp_alpha_nominal as number)).toExponential(2)}`);
  }

  const usage = process.resourceUsage();
  console.log(`  peak memory of this process so far: maxRSS ${mib(usage.maxRSS * 1024)}, heap used now ${mib(process.memoryUsage().heapUsed)}`);

  console.log('End to end (process start → result printed), same 100,000-unit file:');
  const cli = timeProcess(process.execPath, ['--import', 'tsx', path.join(benchDir, 'agreementCliEntry.ts'), dataFile, '--json']);
  if (cli.status !== 0) throw new Error(`cocode agreement failed: ${cli.stderr}`);
  const cliAlpha = (JSON.parse(cli.stdout) as { statistics: Record<string, number> }).statistics.kripp_alpha_nominal;
  console.log(`  cocode agreement --json (node + tsx):  ${ms(cli.seconds * 1000)}   alpha = ${cliAlpha}`);
  if (nltkAvailable()) {
    const nltkProcess = timeProcess(SYSTEM_PYTHON, ['-c', NLTK_PROCESS_SCRIPT, dataFile]);
    if (nltkProcess.status !== 0) throw new Error(`NLTK process failed: ${nltkProcess.stderr}`);
    console.log(`  python3 + NLTK alpha only:            ${ms(nltkProcess.seconds * 1000)}   alpha = ${nltkProcess.stdout.trim()}`);
    console.log(`  ratio: ${(nltkProcess.seconds / cli.seconds).toFixed(1)}×`);
  }
} finally {
  rmSync(workDir, { recursive: true, force: true });
}

// The unitized benchmark lives in its own file, owned by the unitized engine; run it when present.
const unitizedBench = path.join(benchDir, 'agreementUnitized.ts');
if (existsSync(unitizedBench)) {
  console.log('');
  const unitized = (await import(pathToFileURL(unitizedBench).href)) as { runUnitizedBenchmark?: () => Promise<unknown> };
  await unitized.runUnitizedBenchmark?.();
}
