/**
 * A small seeded pseudo-random generator (mulberry32, Tommy Ettinger's public-domain 32-bit generator)
 * so that bootstrap intervals are reproducible from a seed in the browser and in Node alike.
 */
export interface SeededRandom {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, bound). */
  nextInt(bound: number): number;
  /** Standard normal (Box–Muller). */
  nextNormal(): number;
  /** Fills `into` with the integers `into.length` calls of nextInt(bound) would return, in order. */
  fillInts(bound: number, into: Int32Array): void;
}

export function createSeededRandom(seed: number): SeededRandom {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    nextInt: (bound) => Math.floor(next() * bound),
    // The generator step of `next`, repeated in one loop: the bootstrap draws 100 million of these.
    fillInts: (bound, into) => {
      let local = state;
      for (let i = 0; i < into.length; i++) {
        local = (local + 0x6d2b79f5) >>> 0;
        let t = local;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        into[i] = Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * bound);
      }
      state = local;
    },
    nextNormal: () => {
      const radius = Math.sqrt(-2 * Math.log(1 - next()));
      return radius * Math.cos(2 * Math.PI * next());
    },
  };
}

/** Above this expected count the binomial is drawn from its normal approximation (skewness < 0.04). */
const NORMAL_APPROXIMATION_MEAN = 1000;

/**
 * A Binomial(trials, p) draw. Small means use the exact waiting-time method (Devroye 1986, §X.4:
 * geometric gaps between successes, O(np) steps); large means use the normal approximation with a
 * continuity correction, whose error at np(1 − p) ≥ 500 is far below bootstrap noise.
 */
export function drawBinomial(random: SeededRandom, trials: number, p: number): number {
  if (trials <= 0 || p <= 0) return 0;
  if (p >= 1) return trials;
  if (p > 0.5) return trials - drawBinomial(random, trials, 1 - p);
  const mean = trials * p;
  if (mean < NORMAL_APPROXIMATION_MEAN) {
    const logFailure = Math.log1p(-p);
    let successes = 0;
    let position = 0;
    for (;;) {
      position += Math.floor(Math.log(1 - random.next()) / logFailure) + 1;
      if (position > trials) return successes;
      successes++;
    }
  }
  const draw = Math.round(mean + Math.sqrt(mean * (1 - p)) * random.nextNormal());
  return Math.min(trials, Math.max(0, draw));
}

/** A Multinomial(trials, weights) draw as a chain of conditional binomials. */
export function drawMultinomial(random: SeededRandom, trials: number, weights: Float64Array, into: Float64Array): void {
  let remainingWeight = 0;
  for (const weight of weights) remainingWeight += weight;
  let remainingTrials = trials;
  for (let i = 0; i < weights.length; i++) {
    if (remainingTrials === 0 || remainingWeight <= 0) {
      into[i] = 0;
      continue;
    }
    const count = i === weights.length - 1 ? remainingTrials : drawBinomial(random, remainingTrials, weights[i] / remainingWeight);
    into[i] = count;
    remainingTrials -= count;
    remainingWeight -= weights[i];
  }
}
