/**
 * REFI-QDA export: a project as `project.qde` (+ `sources/<GUID>.txt` in a .qdpx zip), and a
 * codebook as a `.qdc`. Elements are written in the XSD's sequence order, empty wrappers are left
 * out, and every file validates against Project-mrt2019.xsd / Codebook.xsd (notes §8).
 */
import { zipSync } from 'fflate';
import { invalid } from '../../errors';
import type { ExchangeCode, ExchangeCoding, ExchangeProject, ExchangeSource } from '../model';
import { describeDecision } from '../tabular/decisionsCsv';
import { formatCodeDescription } from './codeDescription';
import { guidFor } from './guid';
import { codePointCounter, exportSourceText } from './text';
import { attributes, escapeText } from './xml';

export const projectNamespace = 'urn:QDA-XML:project:1.0';
export const codebookNamespace = 'urn:QDA-XML:codebook:1.0';
export const exportOrigin = 'cocode';
/** The REFI-QDA user standing for the consensus layer; our reader maps it back. */
export const consensusUserName = 'Consensus';
export const consensusUserGuid = guidFor('user', 'cocode:consensus-layer');

export interface RefiExportOptions {
  /** Selection positions: Unicode code points (the standard, default) or UTF-16 code units (NVivo). */
  offsets?: 'codepoints' | 'utf16';
  /** A project-level note, written as a Note referenced from the Project. */
  note?: string;
  /** Source texts inside the .qde (PlainTextContent) instead of `internal://` files. */
  inlineText?: boolean;
}

const colorPattern = /^#[0-9a-fA-F]{6}$/;

const xsdDateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** The value when it is an xsd:dateTime, else undefined (the attribute is optional). */
function validDateTime(value: string): string | undefined {
  return xsdDateTime.test(value) && !Number.isNaN(Date.parse(value)) ? value : undefined;
}

/** Codes by parent, each group in the codebook's order; refuses a hierarchy that is not a tree. */
function codeTree(codes: ExchangeCode[]): Map<string | null, ExchangeCode[]> {
  const known = new Set(codes.map((code) => code.id));
  const byParent = new Map<string | null, ExchangeCode[]>();
  for (const code of codes) {
    const parent = code.parentId !== null && known.has(code.parentId) ? code.parentId : null;
    const siblings = byParent.get(parent) ?? [];
    siblings.push(code);
    byParent.set(parent, siblings);
  }
  for (const siblings of byParent.values()) siblings.sort((a, b) => a.order - b.order);
  let reached = 0;
  const visit = (parent: string | null) => {
    for (const child of byParent.get(parent) ?? []) {
      reached++;
      visit(child.id);
    }
  };
  visit(null);
  if (reached !== codes.length) throw invalid('the codebook hierarchy has a cycle, so it cannot be exported', 'code_hierarchy_cycle');
  return byParent;
}

function writeCodes(codes: ExchangeCode[], out: string[], indent: string): void {
  const byParent = codeTree(codes);
  const write = (parent: string | null, depth: string) => {
    for (const code of byParent.get(parent) ?? []) {
      const description = formatCodeDescription(code);
      const children = byParent.get(code.id) ?? [];
      const attrs = attributes([
        ['guid', guidFor('code', code.id)],
        ['name', code.name],
        // cocode's archived codes can no longer be applied, which is what isCodable="false" says.
        ['isCodable', code.archived ? 'false' : 'true'],
        ['color', colorPattern.test(code.color) ? code.color.toUpperCase() : undefined],
      ]);
      if (description === null && children.length === 0) {
        out.push(`${depth}<Code${attrs}/>`);
        continue;
      }
      out.push(`${depth}<Code${attrs}>`);
      if (description !== null) out.push(`${depth}  <Description>${escapeText(description)}</Description>`);
      write(code.id, `${depth}  `);
      out.push(`${depth}</Code>`);
    }
  };
  write(null, indent);
}

export function writeQdc(codes: ExchangeCode[]): string {
  if (codes.length === 0) throw invalid('a codebook file needs at least one code', 'codebook_empty');
  const out = ['<?xml version="1.0" encoding="utf-8"?>', `<CodeBook${attributes([['xmlns', codebookNamespace], ['origin', exportOrigin]])}>`, '  <Codes>'];
  writeCodes(codes, out, '    ');
  out.push('  </Codes>', '</CodeBook>', '');
  return out.join('\n');
}

interface PreparedExport {
  qde: string;
  files: { path: string; text: string }[];
}

function layerUserId(coding: ExchangeCoding): string | null {
  return coding.layer.kind === 'coder' ? coding.layer.userId : null;
}

function prepareExport(project: ExchangeProject, options: RefiExportOptions): PreparedExport {
  const useCodePoints = (options.offsets ?? 'codepoints') === 'codepoints';
  const codeIds = new Set(project.codes.map((code) => code.id));
  const sourcesById = new Map(project.sources.map((source) => [source.id, source]));

  const userNames = new Map(project.users.map((user) => [user.id, user.name]));
  for (const coding of project.codings) {
    for (const userId of [layerUserId(coding), coding.createdBy]) if (userId && !userNames.has(userId)) userNames.set(userId, userId);
  }
  const hasConsensus = project.codings.some((coding) => coding.layer.kind === 'consensus');
  // Each user's GUID is needed on every coding; hashing once per user keeps large exports fast.
  const userGuids = new Map<string, string>();
  const userGuid = (userId: string) => {
    const known = userGuids.get(userId);
    if (known !== undefined) return known;
    const guid = guidFor('user', userId);
    userGuids.set(userId, guid);
    return guid;
  };

  const out: string[] = ['<?xml version="1.0" encoding="utf-8"?>', `<Project${attributes([['xmlns', projectNamespace], ['name', project.name], ['origin', exportOrigin]])}>`];

  if (userNames.size > 0 || hasConsensus) {
    out.push('  <Users>');
    for (const [id, name] of userNames) out.push(`    <User${attributes([['guid', userGuid(id)], ['name', name]])}/>`);
    if (hasConsensus) out.push(`    <User${attributes([['guid', consensusUserGuid], ['name', consensusUserName]])}/>`);
    out.push('  </Users>');
  }

  if (project.codes.length > 0) {
    out.push('  <CodeBook>', '    <Codes>');
    writeCodes(project.codes, out, '      ');
    out.push('    </Codes>', '  </CodeBook>');
  }

  // Participant attributes: one Text variable per attribute name, one Case per source that has any
  // (the NVivo layout: a case carries the values and points at its source).
  const variableNames: string[] = [];
  for (const source of project.sources) for (const name of Object.keys(source.attributes)) if (!variableNames.includes(name)) variableNames.push(name);
  if (variableNames.length > 0) {
    out.push('  <Variables>');
    for (const name of variableNames) out.push(`    <Variable${attributes([['guid', guidFor('variable', name)], ['name', name], ['typeOfVariable', 'Text']])}/>`);
    out.push('  </Variables>', '  <Cases>');
    for (const source of project.sources) {
      const entries = Object.entries(source.attributes);
      if (entries.length === 0) continue;
      out.push(`    <Case${attributes([['guid', guidFor('case', source.id)], ['name', source.title]])}>`);
      for (const [name, value] of entries) {
        out.push(
          `      <VariableValue><VariableRef${attributes([['targetGUID', guidFor('variable', name)]])}/><TextValue>${escapeText(value)}</TextValue></VariableValue>`,
        );
      }
      out.push(`      <SourceRef${attributes([['targetGUID', guidFor('source', source.id)]])}/>`, '    </Case>');
    }
    out.push('  </Cases>');
  }

  const codingsBySource = new Map<string, ExchangeCoding[]>();
  for (const coding of project.codings) {
    if (!sourcesById.has(coding.sourceId)) throw invalid(`coding ${coding.id} is on an unknown source ${coding.sourceId}`, 'unknown_source');
    if (!codeIds.has(coding.codeId)) throw invalid(`coding ${coding.id} applies an unknown code ${coding.codeId}`, 'unknown_code');
    const list = codingsBySource.get(coding.sourceId) ?? [];
    list.push(coding);
    codingsBySource.set(coding.sourceId, list);
  }

  const codeGuids = new Map(project.codes.map((code) => [code.id, guidFor('code', code.id)]));
  const decisionNotes = decisionNotesOf(project);
  const files: PreparedExport['files'] = [];
  if (project.sources.length > 0) {
    out.push('  <Sources>');
    for (const source of project.sources) {
      const file = writeSource(source, codingsBySource.get(source.id) ?? [], { useCodePoints, inline: options.inlineText ?? false, userGuid, codeGuids, decisionNotes }, out);
      if (file) files.push(file);
    }
    out.push('  </Sources>');
  }

  const notes = [...(options.note ? [{ id: 'cocode:project-note', title: 'Project note', text: options.note }] : []), ...(project.notes ?? [])];
  if (notes.length + decisionNotes.notes.length > 0) {
    out.push('  <Notes>');
    for (const note of [...notes, ...decisionNotes.notes]) {
      out.push(`    <Note${attributes([['guid', guidFor('note', note.id)], ['name', note.title]])}>`, `      <PlainTextContent>${escapeText(note.text)}</PlainTextContent>`, '    </Note>');
    }
    out.push('  </Notes>');
    for (const note of notes) out.push(`  <NoteRef${attributes([['targetGUID', guidFor('note', note.id)]])}/>`);
  }
  out.push('</Project>', '');
  return { qde: out.join('\n'), files };
}

function writeSource(
  source: ExchangeSource,
  codings: ExchangeCoding[],
  context: { useCodePoints: boolean; inline: boolean; userGuid: (id: string) => string; codeGuids: Map<string, string>; decisionNotes: DecisionNotes },
  out: string[],
): { path: string; text: string } | null {
  const guid = guidFor('source', source.id);
  const exported = exportSourceText(source);
  const canonicalLength = source.turns.reduce((sum, turn) => sum + turn.text.length, 0) + Math.max(0, source.turns.length - 1);
  const toUnits = context.useCodePoints ? codePointCounter(exported.text) : (offset: number) => offset;
  const fileName = `${guid}.txt`;
  out.push(
    `    <TextSource${attributes([
      ['guid', guid],
      ['name', source.title],
      ['plainTextPath', context.inline ? undefined : `internal://${fileName}`],
    ])}>`,
  );
  if (context.inline) out.push(`      <PlainTextContent>${escapeText(exported.text)}</PlainTextContent>`);
  const sorted = [...codings].sort((a, b) => a.start - b.start || a.end - b.end);
  for (const coding of sorted) {
    if (!(Number.isInteger(coding.start) && Number.isInteger(coding.end) && coding.start >= 0 && coding.start < coding.end && coding.end <= canonicalLength)) {
      throw invalid(`coding ${coding.id} [${coding.start}, ${coding.end}) lies outside source "${source.title}" (length ${canonicalLength})`, 'coding_out_of_range');
    }
    const layerUser = layerUserId(coding);
    const selectionUser = layerUser === null ? consensusUserGuid : context.userGuid(layerUser);
    const createdAt = validDateTime(coding.createdAt);
    // The selection carries the layer (a coder, or the Consensus user); the Coding carries who made it.
    out.push(
      `      <PlainTextSelection${attributes([
        ['guid', guidFor('selection', `selection-of:${coding.id}`)],
        ['startPosition', String(toUnits(exported.toExported(coding.start)))],
        ['endPosition', String(toUnits(exported.toExported(coding.end)))],
        ['creatingUser', selectionUser],
        ['creationDateTime', createdAt],
      ])}>`,
    );
    if (coding.memo) out.push(`        <Description>${escapeText(coding.memo)}</Description>`);
    out.push(
      `        <Coding${attributes([
        ['guid', guidFor('coding', coding.id)],
        ['creatingUser', coding.createdBy ? context.userGuid(coding.createdBy) : selectionUser],
        ['creationDateTime', createdAt],
      ])}><CodeRef${attributes([['targetGUID', context.codeGuids.get(coding.codeId)]])}/></Coding>`,
    );
    for (const noteId of context.decisionNotes.bySelection.get(coding.id) ?? []) out.push(`        <NoteRef${attributes([['targetGUID', guidFor('note', noteId)]])}/>`);
    out.push('      </PlainTextSelection>');
  }
  // Decisions with no exported selection (a discard, or a superseded one whose codings are gone) are the source's notes.
  for (const noteId of context.decisionNotes.bySource.get(source.id) ?? []) out.push(`      <NoteRef${attributes([['targetGUID', guidFor('note', noteId)]])}/>`);
  out.push('    </TextSource>');
  return context.inline ? null : { path: `sources/${fileName}`, text: exported.text };
}

interface DecisionNotes {
  notes: { id: string; title: string; text: string }[];
  /** Consensus coding id → the notes of the decisions that wrote it. */
  bySelection: Map<string, string[]>;
  /** Source id → the notes of its decisions that wrote no coding. */
  bySource: Map<string, string[]>;
}

/** The reconciliation trail as Notes on the consensus selections each decision wrote (SPEC Q4). */
function decisionNotesOf(project: ExchangeProject): DecisionNotes {
  const names = { people: new Map(project.users.map((user) => [user.id, user.name])), codes: new Map(project.codes.map((code) => [code.id, code.name])) };
  const exported = new Set(project.codings.filter((coding) => coding.layer.kind === 'consensus').map((coding) => coding.id));
  const result: DecisionNotes = { notes: [], bySelection: new Map(), bySource: new Map() };
  const attach = (map: Map<string, string[]>, key: string, noteId: string) => map.set(key, [...(map.get(key) ?? []), noteId]);
  const supersededBy = new Map((project.decisions ?? []).flatMap((decision) => (decision.supersedes ? [[decision.supersedes, decision] as const] : [])));
  // Each note stays about the decision that wrote its selections; a superseded one says what replaced it.
  for (const decision of project.decisions ?? []) {
    const noteId = `cocode:decision:${decision.id}`;
    result.notes.push({ id: noteId, title: `Decision ${decision.start}–${decision.end}`, text: describeDecision(decision, names, supersededBy.get(decision.id) ?? null) });
    const on = decision.consensusCodingIds.filter((id) => exported.has(id));
    if (on.length === 0) attach(result.bySource, decision.sourceId, noteId);
    for (const codingId of on) attach(result.bySelection, codingId, noteId);
  }
  return result;
}

/** The project as `project.qde` XML (source texts referenced as `internal://`, unless `inlineText`). */
export function writeQde(project: ExchangeProject, options: RefiExportOptions = {}): string {
  return prepareExport(project, options).qde;
}

/** The project as a .qdpx zip: `project.qde` and `sources/<GUID>.txt` (UTF-8, no BOM, LF). */
export function writeQdpx(project: ExchangeProject, options: RefiExportOptions = {}): Uint8Array {
  const { qde, files } = prepareExport(project, { ...options, inlineText: false });
  const encoder = new TextEncoder();
  const entries: Record<string, Uint8Array> = { 'project.qde': encoder.encode(qde) };
  for (const file of files) entries[file.path] = encoder.encode(file.text);
  // Level 1: a quarter of level 6's time on a large project, for an archive about a fifth larger.
  return zipSync(entries, { level: 1 });
}
