/**
 * Which passwords are accepted (SPEC A7): at least `passwordMinChars`, and not guessable — zxcvbn's
 * estimate with its dictionaries of common passwords, names and keyboard walks must put it at 10^8
 * guesses or more (score 3), with the person's own email and name counted as known words.
 */
import type { ZxcvbnFactory } from '@zxcvbn-ts/core';

/** Score 3 of 0–4: "safely unguessable: moderate protection from offline slow-hash scenario". */
const minimumScore = 3;

let estimator: Promise<ZxcvbnFactory> | null = null;

/** Loaded and built on first use: the dictionaries take ~0.1 s that a server start should not pay. */
function passwordEstimator(): Promise<ZxcvbnFactory> {
  estimator ??= Promise.all([import('@zxcvbn-ts/core'), import('@zxcvbn-ts/language-common')]).then(
    ([core, common]) => new core.ZxcvbnFactory({ dictionary: common.dictionary, graphs: common.adjacencyGraphs }),
  );
  return estimator;
}

const warnings: Record<string, string> = {
  topTen: 'it is one of the ten most common passwords',
  topHundred: 'it is one of the hundred most common passwords',
  common: 'it is a very common password',
  similarToCommon: 'it is a common password with small changes',
  wordByItself: 'a single word is easy to guess',
  namesByThemselves: 'names on their own are easy to guess',
  commonNames: 'common names are easy to guess',
  userInputs: 'it contains your name or email',
  straightRow: 'a row of keys is easy to guess',
  keyPattern: 'a keyboard pattern is easy to guess',
  simpleRepeat: 'repeated characters are easy to guess',
  extendedRepeat: 'repeated patterns are easy to guess',
  sequences: 'sequences such as abc or 6543 are easy to guess',
  recentYears: 'recent years are easy to guess',
  dates: 'dates are easy to guess',
};

/** Null when the password is acceptable; otherwise why not, in words for the person choosing it. */
export async function passwordProblem(password: string, minChars: number, knownWords: string[]): Promise<string | null> {
  if (password.length < minChars) return `password must be at least ${minChars} characters`;
  const words = knownWords.flatMap((word) => word.toLowerCase().split(/[^\p{L}\p{N}]+/u)).filter((word) => word.length >= 3);
  const result = (await passwordEstimator()).check(password, words);
  if (result.score >= minimumScore) return null;
  const why = (result.feedback.warning && warnings[result.feedback.warning]) || 'it is too easy to guess';
  return `password is too weak: ${why}. Use a longer passphrase of several unrelated words`;
}
