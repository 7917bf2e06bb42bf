/**
 * `npm run bench:agreement`: coded-unit agreement speed against NLTK on 100,000 units × 5 coders ×
 * 8 categories with 20 % missing, bootstrap timings on 10,000 and 100,000 units; then end to end,
 * the compiled `cocode agreement` process against whole NLTK and R irr processes on the same data,
 * `cocode --help`, and server start-up; then the unitized benchmark when it exists.
 * The npm script compiles the CLI first when dist/ is missing or stale.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { computeCodedAgreement } from '../shared/agreement/coded';
import type { CodedValue } from '../shared/agreement/coded/types';
import { BENCHMARK_SPEC, generateCodingMatrix, toWideCsv } from './agreementData';

const SYSTEM_PYTHON = '/usr/bin/python3';
const TIMED_RUNS = 9;
const NLTK_RUNS = 3;
/** End-to-end rounds: each round runs every tool once (cocode several times), so load on the machine hits all alike. */
const END_TO_END_ROUNDS = 3;
const COCODE_RUNS_PER_ROUND = 3;
const HELP_RUNS = 11;
const SERVER_START_RUNS = 3;
const HEALTH_POLL_MS = 5;
const SERVER_START_TIMEOUT_MS = 60_000;
const TARGET_RATIO_NLTK = 20;
const TARGET_RATIO_R = 75;
const TARGET_HELP_MS = 150;
const benchDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(benchDir, '..');
const cocodeBin = path.join(repoRoot, 'server', 'bin', 'cocode.mjs');
/** The same program as the compiled one, from the TypeScript sources (how the bin ran before the build). */
const cocodeSourceEntry = path.join(repoRoot, 'server', 'bin', 'main.ts');

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

/** Runs of one command: wall times in ms, and a check of every run's output. */
class TimedCommand {
  readonly timesMs: number[] = [];
  constructor(
    readonly label: string,
    private readonly command: string,
    private readonly args: string[],
    private readonly check: (run: ReturnType<typeof timeProcess>) => void,
  ) {}

  run(): ReturnType<typeof timeProcess> {
    let result = timeProcess(this.command, this.args);
    if (this.command === process.execPath && this.args[0] === cocodeBin && STALE_BUILD_NOTICE.test(result.stderr)) {
      // A source changed while the benchmark ran (someone is editing the checkout): time the current code compiled.
      rebuildCompiledCli();
      result = timeProcess(this.command, this.args);
    }
    if (result.status !== 0) throw new Error(`${this.label} failed (exit ${result.status}): ${result.stderr}`);
    this.check(result);
    this.timesMs.push(result.seconds * 1000);
    return result;
  }

  summary(): string {
    return `${ms(median(this.timesMs))}   [min ${ms(Math.min(...this.timesMs))}, max ${ms(Math.max(...this.timesMs))}, ${this.timesMs.length} runs]`;
  }
}

/** How the bin announces that it runs the sources because dist/ is missing or stale. */
const STALE_BUILD_NOTICE = /^cocode: the compiled server .*running the TypeScript sources through tsx/;

function rebuildCompiledCli(): void {
  const build = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'buildServer.mjs')], { cwd: repoRoot, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`compiling the CLI failed:\n${build.stderr}`);
}

/** The compiled build prints nothing on stderr; the tsx fallback announces itself there. */
function expectCompiledRun(run: { stderr: string }): void {
  if (run.stderr !== '') throw new Error(`cocode did not run the compiled build (npm run build:server): ${run.stderr.trim()}`);
}

function rIrrStatus(): 'ready' | 'no Rscript' | 'no irr' {
  if (spawnSync('Rscript', ['--version'], { encoding: 'utf8' }).error) return 'no Rscript';
  return spawnSync('Rscript', ['-e', 'library(irr)'], { encoding: 'utf8' }).status === 0 ? 'ready' : 'no irr';
}

/** The whole job in R: read the matrix (as CSV: base R reads no JSON), run irr's kripp.alpha, print alpha. */
const R_KRIPP_ALPHA_SCRIPT = `
suppressPackageStartupMessages(library(irr))
ratings <- as.matrix(read.csv(commandArgs(trailingOnly = TRUE)[1]))
cat(kripp.alpha(t(ratings), method = "nominal")$value, "\n")
`;

function ratioLine(cocode: TimedCommand, slower: TimedCommand, target: number): string {
  const ratio = median(slower.timesMs) / median(cocode.timesMs);
  return `  ratio: cocode agreement is ${ratio.toFixed(1)}× faster end to end than ${slower.label} (target ≥ ${target}×: ${ratio >= target ? 'met' : 'NOT met'})`;
}

function endToEnd(workDir: string, dataFile: string, data: CodedValue[][], nltk: boolean, expectedAlpha: number): void {
  console.log('End to end (process start → result printed), same 100,000-unit data:');
  const alphaOf = (stdout: string) => (JSON.parse(stdout) as { statistics: Record<string, number> }).statistics.kripp_alpha_nominal;
  const sameAlpha = (label: string, alpha: number) => {
    if (!(Math.abs(alpha - expectedAlpha) < 1e-9)) throw new Error(`${label} printed alpha ${alpha}, expected ${expectedAlpha}`);
  };
  const cocodeRuns = new TimedCommand('cocode agreement --json', process.execPath, [cocodeBin, 'agreement', dataFile, '--json'], (run) => {
    expectCompiledRun(run);
    sameAlpha('cocode agreement', alphaOf(run.stdout));
  });
  const fromSource = new TimedCommand('cocode agreement from the sources (node + tsx)', process.execPath, ['--import', 'tsx', cocodeSourceEntry, 'agreement', dataFile, '--json'], (run) =>
    sameAlpha('cocode agreement through tsx', alphaOf(run.stdout)),
  );
  const comparisons = [fromSource];
  if (nltk) {
    comparisons.push(new TimedCommand('python3 + NLTK', SYSTEM_PYTHON, ['-c', NLTK_PROCESS_SCRIPT, dataFile], (run) => sameAlpha('NLTK', Number(run.stdout))));
  }
  const r = rIrrStatus();
  if (r === 'ready') {
    const csvFile = path.join(workDir, 'reliability-100k.csv');
    writeFileSync(csvFile, toWideCsv(data));
    comparisons.push(new TimedCommand("R irr's kripp.alpha", 'Rscript', ['-e', R_KRIPP_ALPHA_SCRIPT, csvFile], (run) => sameAlpha('R irr', Number(run.stdout))));
  }
  for (let round = 0; round < END_TO_END_ROUNDS; round++) {
    for (let run = 0; run < COCODE_RUNS_PER_ROUND; run++) cocodeRuns.run();
    for (const comparison of comparisons) comparison.run();
  }
  console.log(`  ${cocodeRuns.label} (compiled):       ${cocodeRuns.summary()}`);
  for (const comparison of comparisons) console.log(`  ${comparison.label}: ${comparison.summary()}`);
  console.log(`  ratio: the compiled CLI is ${(median(fromSource.timesMs) / median(cocodeRuns.timesMs)).toFixed(1)}× faster than running the sources through tsx`);
  if (!nltk) console.log(`  NOTICE: NLTK not found for ${SYSTEM_PYTHON}; no NLTK ratio.`);
  for (const comparison of comparisons) {
    if (comparison.label === 'python3 + NLTK') console.log(ratioLine(cocodeRuns, comparison, TARGET_RATIO_NLTK));
    if (comparison.label === "R irr's kripp.alpha") console.log(ratioLine(cocodeRuns, comparison, TARGET_RATIO_R));
  }
  if (r !== 'ready') {
    console.log(
      r === 'no Rscript'
        ? '  NOTICE: Rscript not found (Debian: apt-get install r-base-core); R irr comparison skipped.'
        : "  NOTICE: Rscript found but not the R package irr (not in Debian; install.packages('irr') from CRAN); R irr comparison skipped.",
    );
  }

  const help = new TimedCommand('cocode --help', process.execPath, [cocodeBin, '--help'], expectCompiledRun);
  const bareNode = new TimedCommand('node -e 0', process.execPath, ['-e', '0'], () => {});
  for (let run = 0; run < HELP_RUNS; run++) {
    help.run();
    bareNode.run();
  }
  const helpMs = median(help.timesMs);
  console.log(`  cocode --help: ${help.summary()}   (target < ${TARGET_HELP_MS} ms: ${helpMs < TARGET_HELP_MS ? 'met' : 'NOT met'})`);
  console.log(`  node -e 0, for scale:  ${bareNode.summary()}`);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Starts `cocode serve`, returns the ms from spawn until GET /api/health answers 200, then (after
 * `settled` output appeared, when given) stops it with SIGTERM and waits for it to exit.
 */
async function timeServerStart(args: string[], dataDir: string, env: Record<string, string>, settled?: RegExp): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', COCODE_DATA_DIR: dataDir, COCODE_SERVE_CLIENT: '0', COCODE_QUIET: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let exitedEarly = false;
  exited.then(() => {
    exitedEarly = true;
  });
  let elapsedMs: number | undefined;
  while (elapsedMs === undefined) {
    if (exitedEarly) throw new Error(`cocode serve exited before answering:
${output}`);
    if (performance.now() - started > SERVER_START_TIMEOUT_MS) throw new Error(`cocode serve did not answer within ${SERVER_START_TIMEOUT_MS} ms:
${output}`);
    const answer = await fetch(`http://127.0.0.1:${port}/api/health`).catch(() => null);
    if (answer?.ok) elapsedMs = performance.now() - started;
    else await new Promise((resolve) => setTimeout(resolve, HEALTH_POLL_MS));
  }
  while (settled && !settled.test(output)) {
    if (exitedEarly) throw new Error(`cocode serve exited before printing ${settled}:
${output}`);
    await new Promise((resolve) => setTimeout(resolve, HEALTH_POLL_MS));
  }
  child.kill('SIGTERM');
  await exited;
  return elapsedMs;
}

async function serverStartUp(workDir: string): Promise<void> {
  console.log('Server start-up (process start → GET /api/health answers; SQLite store, API and websocket):');
  const compiled = [cocodeBin, 'serve'];
  const fromSource = ['--import', 'tsx', cocodeSourceEntry, 'serve'];
  const summary = (times: number[]) => `${ms(median(times))}   [min ${ms(Math.min(...times))}, max ${ms(Math.max(...times))}, ${times.length} runs]`;

  const emptyStore: number[] = [];
  for (let run = 0; run < SERVER_START_RUNS; run++) {
    emptyStore.push(await timeServerStart(compiled, mkdtempSync(path.join(workDir, 'empty-')), { COCODE_DEMO: '0' }));
  }
  console.log(`  compiled, empty data folder:                 ${summary(emptyStore)}`);

  const demoDir = mkdtempSync(path.join(workDir, 'demo-'));
  const firstStart = await timeServerStart(compiled, demoDir, { COCODE_DEMO: '1' }, /Sign in with/);
  console.log(`  compiled, first start creating the demo:     ${ms(firstStart)}   (health answers before the demo is written)`);
  const demoStore: number[] = [];
  const demoFromSource: number[] = [];
  for (let run = 0; run < SERVER_START_RUNS; run++) {
    demoStore.push(await timeServerStart(compiled, demoDir, { COCODE_DEMO: '1' }));
    demoFromSource.push(await timeServerStart(fromSource, demoDir, { COCODE_DEMO: '1' }));
  }
  console.log(`  compiled, restart on the demo data folder:   ${summary(demoStore)}`);
  console.log(`  sources through tsx, same demo data folder:  ${summary(demoFromSource)}`);
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

  const nltk = nltkAvailable();
  if (!nltk) {
    console.log(`  NOTICE: NLTK not found for ${SYSTEM_PYTHON} (Debian: apt-get install python3-nltk); NLTK comparison skipped.`);
  } else {
    const nltkRun = timeProcess(SYSTEM_PYTHON, ['-c', NLTK_ALPHA_SCRIPT, dataFile, String(NLTK_RUNS)]);
    if (nltkRun.status !== 0) throw new Error(`NLTK run failed: ${nltkRun.stderr}`);
    const { alpha, seconds } = JSON.parse(nltkRun.stdout) as { alpha: number; seconds: number };
    const nltkMs = seconds * 1000;
    console.log(`  NLTK AnnotationTask.alpha only (median of ${NLTK_RUNS}):    ${ms(nltkMs)}   alpha = ${alpha}`);
    console.log(`  ratio: cocode (all statistics) is ${(nltkMs / cocodeMs).toFixed(1)}× faster than NLTK (alpha alone)`);
    console.log(`  |cocode α − NLTK α| = ${Math.abs(alpha - (result.statistics.kripp_alpha_nominal as number)).toExponential(2)}`);
  }

  const usage = process.resourceUsage();
  console.log(`  peak memory of this process so far: maxRSS ${mib(usage.maxRSS * 1024)}, heap used now ${mib(process.memoryUsage().heapUsed)}`);

  endToEnd(workDir, dataFile, matrix, nltk, result.statistics.kripp_alpha_nominal as number);
  console.log('');
  await serverStartUp(workDir);
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
