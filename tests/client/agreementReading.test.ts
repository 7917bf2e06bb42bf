/** The agreement page's verdicts follow the shared thresholds exactly, on both sides of each. */
import { describe, expect, it } from 'vitest';
import { thresholdText, verdictFor } from '../../client/src/features/agreement/reading';
import { alphaThresholdKeys, alphaThresholds } from '../../shared/agreement/verdict';

describe('the verdict shown for an alpha', () => {
  it('is reliable from .800, tentative from .667, unreliable below, each with its own icon', () => {
    expect(verdictFor(1)).toEqual({ level: 'reliable', label: 'Reliable', icon: '✓' });
    expect(verdictFor(alphaThresholds.reliable).level).toBe('reliable');
    expect(verdictFor(alphaThresholds.reliable - 1e-9)).toEqual({ level: 'tentative', label: 'Tentative only', icon: '◐' });
    expect(verdictFor(alphaThresholds.tentative).level).toBe('tentative');
    expect(verdictFor(alphaThresholds.tentative - 1e-9)).toEqual({ level: 'unreliable', label: 'Unreliable', icon: '✗' });
    expect(verdictFor(-0.4).level).toBe('unreliable');
  });

  it('is undefined where alpha is missing or not a number', () => {
    for (const alpha of [null, undefined, Number.NaN, Number.POSITIVE_INFINITY]) expect(verdictFor(alpha)).toEqual({ level: 'undefined', label: 'Undefined', icon: '—' });
  });

  it('writes the thresholds as the methods literature does', () => {
    expect(alphaThresholdKeys.map(thresholdText)).toEqual(['.667', '.800']);
  });
});
