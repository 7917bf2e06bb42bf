/**
 * Lookups over one exchange project that every tabular writer needs, built after checking that the
 * project holds together: unique ids, every reference resolvable, a codebook without cycles, and
 * every coding on whole characters of its source's canonical text (SPEC C1, C4). The writers call it
 * so that they never emit a file the JSON reader would refuse, and the reader calls it after the
 * schema so both agree on one definition of "consistent".
 */
import { invalid } from '../../errors';
import {
  type ExchangeCode,
  type ExchangeCoding,
  type ExchangeLayer,
  type ExchangeProject,
  type ExchangeSource,
  type ExchangeTurn,
  type ExchangeUser,
  sourceText,
} from '../model';

export interface ProjectIndex {
  project: ExchangeProject;
  usersById: Map<string, ExchangeUser>;
  codesById: Map<string, ExchangeCode>;
  sourcesById: Map<string, ExchangeSource>;
  /** "Parent > Child" of a code of this project. */
  codePath(codeId: string): string;
  /** Every coding with what it refers to, in project order. */
  codings: ResolvedCoding[];
}

export interface ResolvedCoding {
  coding: ExchangeCoding;
  source: ExchangeSource;
  /** Position of the source in the project's list. */
  sourcePosition: number;
  code: ExchangeCode;
  codePath: string;
  /** The coded words (turn breaks inside are "\n"). */
  text: string;
  /** The turn the coding starts in. */
  startTurn: ExchangeTurn;
  /** Its coder's name, or "Consensus". */
  layerLabel: string;
}

export const codePathSeparator = ' > ';
export const consensusLayerLabel = 'Consensus';

const colorPattern = /^#[0-9a-fA-F]{6}$/;

/**
 * Checks the project and builds its lookups; throws an `invalid` DomainError naming the JSON path of
 * the first problem (prefixed with `pathPrefix`, e.g. `project.`).
 */
export function indexProject(project: ExchangeProject, pathPrefix = ''): ProjectIndex {
  const at = (path: string) => `${pathPrefix}${path}`;
  const usersById = uniqueById(project.users, at('users'));
  const codesById = uniqueById(project.codes, at('codes'));
  const sourcesById = uniqueById(project.sources, at('sources'));
  uniqueById(project.codings, at('codings'));

  const emails = new Map<string, number>();
  project.users.forEach((user, i) => {
    if (user.email === undefined) return;
    const key = user.email.toLowerCase();
    const first = emails.get(key);
    if (first !== undefined)
      throw invalid(`${at(`users[${i}].email`)}: "${user.email}" is also the email of users[${first}]`, 'duplicate_email');
    emails.set(key, i);
  });

  project.codes.forEach((code, i) => {
    if (!colorPattern.test(code.color))
      throw invalid(`${at(`codes[${i}].color`)}: "${code.color}" is not a #rrggbb colour`, 'invalid_color');
    if (code.parentId !== null && !codesById.has(code.parentId))
      throw invalid(`${at(`codes[${i}].parentId`)}: no code has the id "${code.parentId}"`, 'unknown_parent');
  });
  const codePaths = buildCodePaths(project.codes, codesById, at);

  const codePath = (codeId: string) => {
    const path = codePaths.get(codeId);
    if (path === undefined) throw new Error(`code ${codeId} is not in this project`);
    return path;
  };

  const sourceFacts = new Map<string, SourceFacts>();
  project.sources.forEach((source, position) => {
    source.turns.forEach((turn, t) => {
      // A line break inside a turn would read back as two turns: C1 joins turns with "\n".
      if (turn.text.includes('\n'))
        throw invalid(`${at(`sources[${position}].turns[${t}].text`)}: a turn's text cannot contain a line break`, 'newline_in_turn');
    });
    sourceFacts.set(source.id, { source, position, text: sourceText(source), turnStarts: turnStarts(source) });
  });

  const codings = project.codings.map((coding, i) =>
    resolveCoding(coding, at(`codings[${i}]`), { usersById, codesById, sourceFacts, codePath }),
  );
  return { project, usersById, codesById, sourcesById, codePath, codings };
}

interface SourceFacts {
  source: ExchangeSource;
  position: number;
  text: string;
  turnStarts: number[];
}

function uniqueById<T extends { id: string }>(items: T[], path: string): Map<string, T> {
  const byId = new Map<string, T>();
  const indexOf = new Map<string, number>();
  items.forEach((item, i) => {
    const first = indexOf.get(item.id);
    if (first !== undefined) throw invalid(`${path}[${i}].id: "${item.id}" is also the id of ${path}[${first}]`, 'duplicate_id');
    byId.set(item.id, item);
    indexOf.set(item.id, i);
  });
  return byId;
}

function buildCodePaths(codes: ExchangeCode[], codesById: Map<string, ExchangeCode>, at: (path: string) => string) {
  const paths = new Map<string, string>();
  const position = new Map(codes.map((code, i) => [code.id, i]));
  for (const code of codes) {
    const chain: ExchangeCode[] = [];
    const onChain = new Set<string>();
    let current: ExchangeCode | undefined = code;
    while (current && !paths.has(current.id)) {
      if (onChain.has(current.id))
        throw invalid(
          `${at(`codes[${position.get(current.id)}].parentId`)}: code "${current.name}" is its own ancestor`,
          'code_cycle',
        );
      onChain.add(current.id);
      chain.push(current);
      current = current.parentId === null ? undefined : codesById.get(current.parentId);
    }
    // Walk back down the chain so each code's path is its parent's path plus its name.
    let prefix = current ? `${paths.get(current.id)}${codePathSeparator}` : '';
    for (let k = chain.length - 1; k >= 0; k--) {
      const path = `${prefix}${chain[k].name}`;
      paths.set(chain[k].id, path);
      prefix = `${path}${codePathSeparator}`;
    }
  }
  return paths;
}

function resolveCoding(
  coding: ExchangeCoding,
  path: string,
  lookups: Pick<ProjectIndex, 'usersById' | 'codesById' | 'codePath'> & { sourceFacts: Map<string, SourceFacts> },
): ResolvedCoding {
  const facts = lookups.sourceFacts.get(coding.sourceId);
  if (facts === undefined) throw invalid(`${path}.sourceId: no source has the id "${coding.sourceId}"`, 'unknown_source');
  const { text } = facts;
  const code = lookups.codesById.get(coding.codeId);
  if (code === undefined) throw invalid(`${path}.codeId: no code has the id "${coding.codeId}"`, 'unknown_code');
  if (coding.layer.kind === 'coder' && !lookups.usersById.has(coding.layer.userId))
    throw invalid(`${path}.layer.userId: no user has the id "${coding.layer.userId}"`, 'unknown_user');
  if (!lookups.usersById.has(coding.createdBy))
    throw invalid(`${path}.createdBy: no user has the id "${coding.createdBy}"`, 'unknown_user');
  const { start, end } = coding;
  if (!Number.isInteger(start) || start < 0)
    throw invalid(`${path}.start: ${start} is not an offset (a whole number from 0)`, 'offset_out_of_range');
  if (!Number.isInteger(end) || end <= start)
    throw invalid(`${path}.end: ${end} must be a whole number greater than start (${start})`, 'offset_out_of_range');
  if (end > text.length)
    throw invalid(`${path}.end: ${end} is past the end of the source's text (${text.length} characters)`, 'offset_out_of_range');
  for (const [field, offset] of [
    ['start', start],
    ['end', end],
  ] as const)
    if (splitsSurrogatePair(text, offset))
      throw invalid(`${path}.${field}: ${offset} splits a surrogate pair (an emoji or other astral character)`, 'splits_character');
  const codedText = text.slice(start, end);
  if (codedText.replaceAll('\n', '').length === 0)
    throw invalid(`${path}: the range ${start}–${end} covers only turn breaks, no words`, 'empty_range');
  return {
    coding,
    source: facts.source,
    sourcePosition: facts.position,
    code,
    codePath: lookups.codePath(code.id),
    text: codedText,
    startTurn: facts.source.turns[turnIndexAt(facts.turnStarts, start)],
    layerLabel: layerLabel(coding.layer, lookups.usersById),
  };
}

/** True when `offset` falls between the two UTF-16 halves of one character. */
export function splitsSurrogatePair(text: string, offset: number): boolean {
  if (offset <= 0 || offset >= text.length) return false;
  const before = text.charCodeAt(offset - 1);
  const after = text.charCodeAt(offset);
  return before >= 0xd800 && before <= 0xdbff && after >= 0xdc00 && after <= 0xdfff;
}

/** Canonical offset of each turn's first character. */
export function turnStarts(source: ExchangeSource): number[] {
  const starts: number[] = [];
  let offset = 0;
  for (const turn of source.turns) {
    starts.push(offset);
    offset += turn.text.length + 1;
  }
  return starts;
}

/**
 * The turn a coding starting at `offset` starts in. An offset on the break after a turn belongs to
 * the next turn, whose words are the first ones coded.
 */
export function turnIndexAt(starts: number[], offset: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    // `offset + 1`: the break before a turn starts one code unit before the turn does.
    if (starts[middle] <= offset + 1) low = middle;
    else high = middle - 1;
  }
  return low;
}

/** The name a layer goes by in exports: its coder's name, or "Consensus". */
export function layerLabel(layer: ExchangeLayer, usersById: Map<string, ExchangeUser>): string {
  if (layer.kind === 'consensus') return consensusLayerLabel;
  return usersById.get(layer.userId)?.name ?? layer.userId;
}

/** Codes depth-first in codebook order: each parent before its children, siblings by order, then name. */
export function codesInTreeOrder(codes: ExchangeCode[]): ExchangeCode[] {
  const children = new Map<string | null, ExchangeCode[]>();
  for (const code of codes) {
    const siblings = children.get(code.parentId) ?? [];
    siblings.push(code);
    children.set(code.parentId, siblings);
  }
  const ordered: ExchangeCode[] = [];
  const visit = (parentId: string | null) => {
    const siblings = (children.get(parentId) ?? []).sort(
      (a, b) => a.order - b.order || compareText(a.name, b.name) || compareText(a.id, b.id),
    );
    for (const code of siblings) {
      ordered.push(code);
      visit(code.id);
    }
  };
  visit(null);
  return ordered;
}

/** Code-unit order: the same on every machine, whatever its locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
