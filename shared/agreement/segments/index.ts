/** Segment-unit views of free-form codings: fixed units, presence matrices, character-level agreement. */

export {
  type CharacterCodeAgreement,
  type CharacterPairAgreement,
  characterAgreement,
  characterTableAgreement,
} from './characterAgreement.js';
export {
  codersAndCodes,
  multiLabelRows,
  NO_CODE_LABEL,
  type PresenceMatrix,
  presenceMatrices,
  presenceRows,
  type SegmentCoding,
} from './matrices.js';
export {
  documentUnits,
  paragraphUnits,
  sentenceUnits,
  splitUnits,
  type TextRange,
  type TextUnit,
  type TranscriptText,
  turnUnits,
  type UnitKind,
  type UnitSpec,
  windowUnits,
} from './units.js';
