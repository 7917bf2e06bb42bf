/** How a resolved coding looks in the transcript and in the margin: its code's colour and name, and who coded it. */
import { unknownCodeColour } from '../../../../shared/collab/palette';
import type { Code } from '../../../../shared/collab/schema';
import type { ResolvedCoding } from '../../collab/codingLayers';
import type { DecoratedCoding } from '../../editor/codingDecorations';
import { initials } from '../../session';
import type { StripeCoding } from './MarginStripes';

export const unknownCodeName = 'Unknown code';

export function decoratedCodings(codings: readonly ResolvedCoding[], codeById: ReadonlyMap<string, Code>, coderName: (layerId: string) => string): DecoratedCoding[] {
  return codings.map((coding) => {
    const code = codeById.get(coding.codeId);
    return {
      id: coding.id,
      start: coding.start,
      end: coding.end,
      color: code?.color ?? unknownCodeColour,
      label: `${code?.name ?? unknownCodeName} — ${coderName(coding.layer.id)}`,
    };
  });
}

export function stripeCodings(codings: readonly ResolvedCoding[], codeById: ReadonlyMap<string, Code>, coderName: (layerId: string) => string): StripeCoding[] {
  return codings.map((coding) => {
    const code = codeById.get(coding.codeId);
    const name = coderName(coding.layer.id);
    return {
      id: coding.id,
      start: coding.start,
      end: coding.end,
      color: code?.color ?? unknownCodeColour,
      codeName: code?.name ?? unknownCodeName,
      coderName: name,
      // One's own codings carry no initials; the consensus is "C".
      coderShort: coding.layer.kind === 'mine' ? null : coding.layer.kind === 'consensus' ? 'C' : initials(name),
      memo: coding.memo,
      quote: coding.quote,
    };
  });
}
