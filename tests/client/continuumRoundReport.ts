/**
 * A report as the server gives it for a round on the codings' own boundaries: coded-unit statistics
 * over speaker turns, and (k)uα per code, built so that the two disagree and rank the codes
 * differently (Cost: the same turns, but half of one coder's Cost is another code; Trust: exact
 * boundaries, missing on some turns; Rare: one coder, once, so its (k)uα is undefined).
 */
import { agreementReport, type ReportDocument } from '../../shared/agreement/report';

export const roundCodes = [
  { id: 'cost', name: 'Cost', parentId: null },
  { id: 'trust', name: 'Trust', parentId: null },
  { id: 'rare', name: 'Rare', parentId: null },
  { id: 'time', name: 'Time', parentId: null },
];

function roundDocument(): ReportDocument {
  const turns = Array.from({ length: 24 }, (_, turn) => ({ start: turn * 40, end: turn * 40 + 39 }));
  const codings = turns.flatMap((range, turn) => {
    const found: ReportDocument['codings'][number][] = [];
    if (turn % 2 === 0) {
      found.push({ coder: 'ana', codeId: 'cost', start: range.start + 2, end: range.end - 2 });
      found.push({ coder: 'ben', codeId: 'cost', start: range.start + 2, end: range.start + 20 });
      found.push({ coder: 'ben', codeId: turn % 4 === 0 ? 'time' : 'cost', start: range.start + 20, end: range.end - 2 });
    } else {
      found.push({ coder: 'ana', codeId: 'trust', start: range.start + 2, end: range.end - 2 });
      if (turn % 6 !== 1) found.push({ coder: 'ben', codeId: 'trust', start: range.start + 2, end: range.end - 2 });
    }
    if (turn === 5) found.push({ coder: 'ana', codeId: 'rare', start: range.start + 20, end: range.start + 25 });
    return found;
  });
  return { id: 'd1', title: 'Interview 1', attributes: { role: 'nurse' }, text: 'x'.repeat(960), turns, codings };
}

/** With bootstrap intervals, so a turn-unit interval exists that the (k)uα view must not borrow. */
export const continuumRoundReport = agreementReport([roundDocument()], {
  unit: { kind: 'turn' },
  headline: 'unitized',
  roundUnit: { kind: 'continuum' },
  coders: ['ana', 'ben'],
  coderNames: { ana: 'Ana', ben: 'Ben' },
  codes: roundCodes,
  bootstrap: { draws: 100, seed: 5 },
});
