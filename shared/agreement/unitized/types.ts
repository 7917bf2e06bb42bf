/** The input of unitized agreement: coders' segments on one continuum (character offsets). */

export interface UnitizedSegment {
  coder: string;
  start: number;
  end: number;
  code: string;
}

export interface UnitizedInput {
  continuum: { begin: number; end: number };
  data: UnitizedSegment[];
}
