/**
 * REFI-QDA import: a .qdpx (or a .qdc codebook) into the neutral model, tolerant of what real
 * NVivo, ATLAS.ti, MAXQDA, QualCoder and qc exports do (see the notes' §6–7), and all or nothing:
 * it returns a whole model or throws a DomainError. What cannot be represented (PDF, picture and
 * media sources, selections outside the text, codings of unknown codes, …) is left out and listed
 * in the report with the reason.
 */
import { defaultLimits, type Limits } from '../../config';
import { invalid, tooLarge } from '../../errors';
import type { ExchangeCode, ExchangeCoding, ExchangeLayer, ExchangeNote, ExchangeProject, ExchangeSource, ExchangeUser } from '../model';
import { parseCodeDescription } from './codeDescription';
import { guidKey } from './guid';
import { canonicalizeSourceText, isWordBoundary, type OffsetConvention, toRawOffset, unitToRawTable } from './text';
import { consensusUserGuid, consensusUserName, exportOrigin } from './write';
import { childrenNamed, elementNamespace, firstChild, parseXml, type XmlElement } from './xml';
import { looksLikeZip, openZip, type ZipArchive, type ZipEntry } from './zip';

export type RefiImportLimits = Pick<
  Limits,
  'importMaxBytes' | 'zipEntriesMax' | 'zipUncompressedMaxBytes' | 'zipCompressionRatioMax' | 'xmlDepthMax' | 'transcriptMaxChars' | 'codesPerProjectMax'
>;

export interface RefiImportReport {
  sources: number;
  codes: number;
  codings: number;
  users: number;
  /** Notes imported, as coding memos or project notes. */
  notes: number;
  /** The unit the file's selection positions turned out to use. */
  offsets: 'utf16' | 'codepoints';
  /** Whether the positions counted a CRLF as one character or two; null when no source text has a CRLF. */
  crlfCountsAs: 1 | 2 | null;
  skipped: { what: string; why: string }[];
}

export interface RefiImport {
  project: ExchangeProject;
  report: RefiImportReport;
}

const defaultCodeColor = '#9e9e9e';
const unknownCoderId = 'unknown-coder';
const epoch = '1970-01-01T00:00:00.000Z';

/** UTF-8 (BOM or not) or UTF-16 with a BOM; anything else is refused rather than garbled. */
function decodeText(bytes: Uint8Array, what: string): string {
  let encoding = 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) encoding = 'utf-16le';
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) encoding = 'utf-16be';
  try {
    // TextDecoder drops the BOM of its own encoding.
    return new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    throw invalid(`${what} is not valid UTF-8 text`, 'text_encoding');
  }
}

function readRoot(bytes: Uint8Array, what: string, limits: Pick<Limits, 'xmlDepthMax'>): XmlElement {
  return parseXml(decodeText(bytes, what), limits.xmlDepthMax);
}

function checkNamespace(root: XmlElement, kind: 'project' | 'codebook'): void {
  const namespace = elementNamespace(root);
  // Any urn:QDA-XML:<kind>:<version> is read (1.0, NVivo Mac's 1:0, ATLAS.ti's 0:4); so is none.
  if (namespace !== undefined && !new RegExp(`^urn:QDA-XML:${kind}:`, 'i').test(namespace)) {
    throw invalid(`the ${root.name} element is in namespace "${namespace}", not a REFI-QDA ${kind} namespace (urn:QDA-XML:${kind}:1.0)`, 'xml_namespace');
  }
}

function normaliseColor(value: string | undefined): string {
  const color = value?.trim() ?? '';
  if (/^#[0-9a-f]{6}$/i.test(color)) return color.toLowerCase();
  if (/^#[0-9a-f]{3}$/i.test(color)) return `#${[...color.slice(1)].map((digit) => digit + digit).join('')}`.toLowerCase();
  return defaultCodeColor;
}

function isoDate(...candidates: (string | undefined)[]): string {
  for (const candidate of candidates) {
    if (candidate && !Number.isNaN(Date.parse(candidate))) return new Date(candidate).toISOString();
  }
  return epoch;
}

/** Codes of a CodeBook/Codes element, depth first, hierarchy from the nesting. */
function readCodes(codesElement: XmlElement | undefined, ownExport: boolean, skipped: RefiImportReport['skipped']): ExchangeCode[] {
  const codes: ExchangeCode[] = [];
  const seen = new Set<string>();
  const walk = (parent: XmlElement | undefined, parentId: string | null, path: string) => {
    childrenNamed(parent, 'Code').forEach((element, index) => {
      const name = element.attributes.name ?? '';
      const id = element.attributes.guid ? guidKey(element.attributes.guid) : `code-${path}${index}`;
      if (seen.has(id)) {
        skipped.push({ what: `code "${name}"`, why: `its GUID ${element.attributes.guid} is used by an earlier code` });
        return;
      }
      seen.add(id);
      const description = parseCodeDescription(firstChild(element, 'Description')?.text ?? '');
      codes.push({
        id,
        name: name.trim() === '' ? '(unnamed code)' : name,
        parentId,
        order: index,
        color: normaliseColor(element.attributes.color),
        ...description,
        // Our own export writes archived codes as not codable; elsewhere that marks a folder.
        archived: ownExport && element.attributes.isCodable?.trim() === 'false',
      });
      walk(element, id, `${path}${index}-`);
    });
  };
  walk(codesElement, null, '');
  return codes;
}

/** A .qdc codebook's codes. */
export function readQdc(bytes: Uint8Array, limits: Pick<Limits, 'importMaxBytes' | 'xmlDepthMax'> = defaultLimits): ExchangeCode[] {
  if (bytes.length > limits.importMaxBytes) throw tooLarge(`the codebook is larger than ${limits.importMaxBytes} bytes`, 'import_too_large');
  if (looksLikeZip(bytes)) throw invalid('this is a zip archive (a .qdpx project?), not a .qdc codebook', 'not_a_codebook');
  const root = readRoot(bytes, 'the codebook', limits);
  if (root.name !== 'CodeBook') throw invalid(`the file's root element is <${root.name}>, not a REFI-QDA <CodeBook>`, 'not_a_codebook');
  checkNamespace(root, 'codebook');
  const codes = readCodes(firstChild(root, 'Codes'), (root.attributes.origin ?? '').startsWith(exportOrigin), []);
  if (codes.length === 0) throw invalid('the codebook has no codes', 'codebook_empty');
  return codes;
}

interface PendingSelection {
  element: XmlElement;
  start: number;
  end: number;
}

interface PendingSource {
  source: ExchangeSource;
  raw: string;
  rawToCanonical: Int32Array;
  selections: PendingSelection[];
}

/** Entries of the archive by lower-cased name, to find `sources/` or NVivo's `Sources/` alike. */
function entryIndex(archive: ZipArchive): Map<string, ZipEntry> {
  const index = new Map<string, ZipEntry>();
  for (const entry of archive.entries) index.set(entry.name.toLowerCase(), entry);
  return index;
}

/** The archive entry a source path names: `internal://x`, a bare `x` (qc), in `sources/` or at the root. */
function findSourceEntry(path: string, entries: Map<string, ZipEntry>): ZipEntry | 'external' | undefined {
  if (/^(relative|absolute|file|https?):\/\//i.test(path)) return 'external';
  const name = path.replace(/^internal:\/\//i, '').replace(/\\/g, '/').replace(/^\/+/, '').toLowerCase();
  const exact = entries.get(`sources/${name}`) ?? entries.get(name);
  if (exact) return exact;
  const baseName = name.slice(name.lastIndexOf('/') + 1);
  for (const [entryName, entry] of entries) if (entryName.slice(entryName.lastIndexOf('/') + 1) === baseName) return entry;
  return undefined;
}

const conventionsByPreference = (origin: string): OffsetConvention[] => {
  // Ties (texts where the conventions cannot differ) go to what the producing tool is known to do.
  const utf16First = /nvivo|atlas|maxqda|quirkos/i.test(origin);
  const crlfOneFirst = /atlas/i.test(origin);
  const units = utf16First ? [false, true] : [true, false];
  const crlf = crlfOneFirst ? [true, false] : [false, true];
  return units.flatMap((codePoints) => crlf.map((crlfAsOne) => ({ codePoints, crlfAsOne })));
};

/** Picks the convention under which most selection ends fall between words (notes §5). */
function detectConvention(pending: PendingSource[], origin: string): OffsetConvention {
  const candidates = conventionsByPreference(origin);
  let best = candidates[0];
  let bestScore = -1;
  for (const convention of candidates) {
    let score = 0;
    for (const item of pending) {
      if (item.selections.length === 0) continue;
      const table = unitToRawTable(item.raw, convention);
      for (const selection of item.selections) {
        const start = toRawOffset(table, item.raw.length, selection.start);
        const end = toRawOffset(table, item.raw.length, selection.end);
        if (start < 0 || end < 0) continue;
        score += (isWordBoundary(item.raw, start) ? 1 : 0) + (isWordBoundary(item.raw, end) ? 1 : 0);
      }
    }
    if (score > bestScore) {
      best = convention;
      bestScore = score;
    }
  }
  return best;
}

function findProjectEntry(archive: ZipArchive): ZipEntry {
  const atRoot = archive.entries.filter((entry) => !entry.name.includes('/') && entry.name.toLowerCase().endsWith('.qde'));
  const named = atRoot.find((entry) => entry.name.toLowerCase() === 'project.qde');
  if (named) return named;
  if (atRoot.length === 1) return atRoot[0];
  if (atRoot.length === 0) throw invalid('the archive has no project.qde, so it is not a REFI-QDA project (.qdpx)', 'qdpx_no_project');
  throw invalid(`the archive has ${atRoot.length} .qde files and none is named project.qde`, 'qdpx_ambiguous_project');
}

export function readQdpx(bytes: Uint8Array, limits: RefiImportLimits = defaultLimits): RefiImport {
  if (bytes.length > limits.importMaxBytes) throw tooLarge(`the file is larger than ${limits.importMaxBytes} bytes`, 'import_too_large');
  if (!looksLikeZip(bytes)) {
    const start = new TextDecoder().decode(bytes.subarray(0, 64)).replace(/^\ufeff/, '').trimStart();
    if (start.startsWith('<')) {
      throw invalid('this is an XML file (a .qde or .qdc?), not a .qdpx: a .qdpx is a zip holding project.qde and sources/', 'not_a_zip');
    }
    throw invalid('the file is not a zip archive (a .qdpx is a zip holding project.qde and sources/)', 'not_a_zip');
  }
  const archive = openZip(bytes, limits);
  const projectEntry = findProjectEntry(archive);
  const root = readRoot(archive.read(projectEntry), projectEntry.name, limits);
  if (root.name === 'CodeBook') throw invalid('project.qde holds a codebook, not a project', 'not_a_project');
  if (root.name !== 'Project') throw invalid(`project.qde's root element is <${root.name}>, not a REFI-QDA <Project>`, 'not_a_project');
  checkNamespace(root, 'project');
  return readProjectElement(root, archive, limits);
}

function readProjectElement(root: XmlElement, archive: ZipArchive, limits: RefiImportLimits): RefiImport {
  const origin = root.attributes.origin ?? '';
  const ownExport = origin.startsWith(exportOrigin);
  const skipped: RefiImportReport['skipped'] = [];
  const entries = entryIndex(archive);
  const projectDate = root.attributes.modifiedDateTime ?? root.attributes.creationDateTime;

  // Users
  const users = new Map<string, ExchangeUser>();
  childrenNamed(firstChild(root, 'Users'), 'User').forEach((element, index) => {
    if (!element.attributes.guid) return;
    const id = guidKey(element.attributes.guid);
    users.set(id, { id, name: element.attributes.name?.trim() || element.attributes.id?.trim() || `User ${index + 1}` });
  });
  const consensusKey = guidKey(consensusUserGuid);
  const isConsensusUser = (key: string) =>
    ownExport && (key === consensusKey || (users.get(key)?.name === consensusUserName && !users.has(consensusKey)));

  // Codes
  const codes = readCodes(firstChild(firstChild(root, 'CodeBook'), 'Codes'), ownExport, skipped);
  if (codes.length > limits.codesPerProjectMax) {
    throw tooLarge(`the project has ${codes.length} codes; at most ${limits.codesPerProjectMax} are accepted`, 'too_many_codes');
  }
  const codeIds = new Set(codes.map((code) => code.id));
  const codeNames = new Map(codes.map((code) => [code.id, code.name]));

  // Variables (attribute names)
  const variables = new Map<string, string>();
  for (const element of childrenNamed(firstChild(root, 'Variables'), 'Variable')) {
    if (element.attributes.guid) variables.set(guidKey(element.attributes.guid), element.attributes.name ?? 'variable');
  }
  const readValues = (owner: XmlElement, what: string): Record<string, string> => {
    const values: Record<string, string> = {};
    for (const valueElement of childrenNamed(owner, 'VariableValue')) {
      const target = firstChild(valueElement, 'VariableRef')?.attributes.targetGUID;
      const name = target ? variables.get(guidKey(target)) : undefined;
      const value = valueElement.children.find((child) => child.name.endsWith('Value'));
      if (name === undefined) skipped.push({ what: `a variable value of ${what}`, why: `it refers to no declared Variable (${target ?? 'no VariableRef'})` });
      else if (value) values[name] = value.text.trim();
    }
    return values;
  };

  // Notes: their text, and which are memos of selections or codings (by NoteRef or NVivo's Link).
  const notes = new Map<string, { title: string; text: string }>();
  for (const element of childrenNamed(firstChild(root, 'Notes'), 'Note')) {
    if (!element.attributes.guid) continue;
    const title = element.attributes.name ?? '';
    let text = firstChild(element, 'PlainTextContent')?.text;
    if (text === undefined && element.attributes.plainTextPath) {
      const entry = findSourceEntry(element.attributes.plainTextPath, entries);
      if (entry && entry !== 'external') text = decodeText(archive.read(entry), `note "${title}"`);
    }
    if (text === undefined) {
      skipped.push({ what: `note "${title}"`, why: 'it has no plain text inside the archive' });
      continue;
    }
    notes.set(guidKey(element.attributes.guid), { title, text: text.replace(/\r\n?/g, '\n') });
  }
  const usedNotes = new Set<string>();
  const linkedNotes = new Map<string, string[]>();
  for (const link of childrenNamed(firstChild(root, 'Links'), 'Link')) {
    const origin = link.attributes.originGUID ? guidKey(link.attributes.originGUID) : '';
    const target = link.attributes.targetGUID ? guidKey(link.attributes.targetGUID) : '';
    const [noteKey, otherKey] = notes.has(origin) ? [origin, target] : notes.has(target) ? [target, origin] : ['', ''];
    if (noteKey && otherKey) linkedNotes.set(otherKey, [...(linkedNotes.get(otherKey) ?? []), noteKey]);
  }
  const memoOf = (...owners: XmlElement[]): string[] => {
    const parts: string[] = [];
    for (const owner of owners) {
      const keys = [
        ...childrenNamed(owner, 'NoteRef').map((ref) => guidKey(ref.attributes.targetGUID ?? '')),
        ...(owner.attributes.guid ? (linkedNotes.get(guidKey(owner.attributes.guid)) ?? []) : []),
      ];
      for (const key of keys) {
        const note = notes.get(key);
        if (note && note.text.trim() !== '') parts.push(note.text);
        if (note) usedNotes.add(key);
      }
    }
    return parts;
  };

  // Sources
  const pending: PendingSource[] = [];
  const sourcesById = new Map<string, PendingSource>();
  const sourcesElement = firstChild(root, 'Sources');
  for (const element of sourcesElement?.children ?? []) {
    const name = element.attributes.name?.trim() || element.attributes.plainTextPath?.replace(/^.*[/\\]/, '') || `Source ${pending.length + 1}`;
    const selectionCount = element.children.filter((child) => child.name.endsWith('Selection')).length;
    const withSelections = selectionCount > 0 ? ` and its ${selectionCount} selection(s)` : '';
    if (element.name !== 'TextSource') {
      if (/Source$/.test(element.name)) skipped.push({ what: `${element.name} "${name}"${withSelections}`, why: 'cocode codes text transcripts only' });
      continue;
    }
    const raw = readSourceText(element, entries, archive, name);
    if (typeof raw !== 'string') {
      skipped.push({ what: `text source "${name}"${withSelections}`, why: raw.why });
      continue;
    }
    const id = element.attributes.guid ? guidKey(element.attributes.guid) : `source-${pending.length + 1}`;
    if (sourcesById.has(id)) {
      skipped.push({ what: `text source "${name}"${withSelections}`, why: `its GUID ${element.attributes.guid} is used by an earlier source` });
      continue;
    }
    const canonical = canonicalizeSourceText(raw);
    const canonicalLength = canonical.rawToCanonical[raw.length];
    if (canonicalLength > limits.transcriptMaxChars) {
      throw tooLarge(`source "${name}" has ${canonicalLength} characters; at most ${limits.transcriptMaxChars} are accepted`, 'transcript_too_long');
    }
    const item: PendingSource = {
      source: { id, title: name, turns: canonical.turns, attributes: readValues(element, `source "${name}"`) },
      raw,
      rawToCanonical: canonical.rawToCanonical,
      selections: [],
    };
    for (const selection of childrenNamed(element, 'PlainTextSelection')) {
      const start = Number(selection.attributes.startPosition);
      const end = Number(selection.attributes.endPosition);
      if (!Number.isInteger(start) || !Number.isInteger(end)) {
        skipped.push({ what: `a selection in "${name}"`, why: 'its startPosition or endPosition is not a whole number' });
        continue;
      }
      item.selections.push({ element: selection, start, end });
    }
    const wholeSourceCodings = childrenNamed(element, 'Coding').length;
    if (wholeSourceCodings > 0) {
      skipped.push({ what: `${wholeSourceCodings} coding(s) of the whole source "${name}"`, why: 'cocode codes passages, not whole documents' });
    }
    pending.push(item);
    sourcesById.set(id, item);
  }

  // Cases carry attributes for the sources they reference (NVivo, Quirkos); a source's own values win.
  for (const element of childrenNamed(firstChild(root, 'Cases'), 'Case')) {
    const caseName = element.attributes.name ?? element.attributes.guid ?? 'a case';
    const values = readValues(element, `case "${caseName}"`);
    if (Object.keys(values).length === 0) continue;
    const targets = childrenNamed(element, 'SourceRef')
      .map((ref) => sourcesById.get(guidKey(ref.attributes.targetGUID ?? '')))
      .filter((item) => item !== undefined);
    if (targets.length === 0) skipped.push({ what: `the variable values of case "${caseName}"`, why: 'the case refers to no imported text source' });
    for (const target of targets) target.source.attributes = { ...values, ...target.source.attributes };
  }

  const convention = detectConvention(pending, origin);
  const codings: ExchangeCoding[] = [];
  const seenCodings = new Set<string>();
  const seenCodingIds = new Set<string>();
  const userFor = (guid: string | undefined): string | undefined => {
    if (!guid) return undefined;
    const key = guidKey(guid);
    if (!users.has(key) && !isConsensusUser(key)) users.set(key, { id: key, name: `User ${guid.trim().slice(0, 8)}` });
    return key;
  };
  for (const item of pending) {
    const table = unitToRawTable(item.raw, convention);
    for (const selection of item.selections) {
      const where = `selection [${selection.start}, ${selection.end}) in "${item.source.title}"`;
      const codingElements = childrenNamed(selection.element, 'Coding');
      if (codingElements.length === 0) {
        const comment = firstChild(selection.element, 'Description') ? 'a comment on an uncoded passage' : 'a selection';
        skipped.push({ what: `${where}`, why: `${comment} without a code` });
        continue;
      }
      const rawStart = toRawOffset(table, item.raw.length, selection.start);
      const rawEnd = toRawOffset(table, item.raw.length, selection.end);
      if (rawStart < 0 || rawEnd < 0 || selection.end <= selection.start) {
        skipped.push({ what: where, why: selection.end <= selection.start ? 'it is empty or reversed' : `it lies outside the text (${item.raw.length} characters)` });
        continue;
      }
      const start = item.rawToCanonical[rawStart];
      const end = item.rawToCanonical[rawEnd];
      if (end <= start) {
        skipped.push({ what: where, why: 'it covers only line breaks or a speaker label' });
        continue;
      }
      const selectionMemo = [firstChild(selection.element, 'Description')?.text ?? '', ...memoOf(selection.element)];
      for (const codingElement of codingElements) {
        const target = firstChild(codingElement, 'CodeRef')?.attributes.targetGUID;
        const codeId = target ? guidKey(target) : '';
        if (!codeIds.has(codeId)) {
          skipped.push({ what: `a coding of ${where}`, why: `it refers to a code that is not in the codebook (${target ?? 'no CodeRef'})` });
          continue;
        }
        // The selection's creator owns the layer; the Coding's creator made it (our export writes both).
        const layerUser = userFor(selection.element.attributes.creatingUser) ?? userFor(codingElement.attributes.creatingUser);
        const creator = userFor(codingElement.attributes.creatingUser) ?? layerUser;
        let layer: ExchangeLayer;
        if (layerUser !== undefined && isConsensusUser(layerUser)) layer = { kind: 'consensus' };
        else {
          if (layerUser === undefined && !users.has(unknownCoderId)) users.set(unknownCoderId, { id: unknownCoderId, name: 'Unknown coder' });
          layer = { kind: 'coder', userId: layerUser ?? unknownCoderId };
        }
        const layerKey = layer.kind === 'coder' ? layer.userId : 'consensus';
        const rangeKey = `${item.source.id}|${layerKey}|${codeId}|${start}|${end}`;
        if (seenCodings.has(rangeKey)) {
          skipped.push({ what: `a coding of ${where} with "${codeNames.get(codeId)}"`, why: 'the same coder already applied that code to the same passage' });
          continue;
        }
        seenCodings.add(rangeKey);
        let id = codingElement.attributes.guid ? guidKey(codingElement.attributes.guid) : `${rangeKey}`;
        if (seenCodingIds.has(id)) id = `${id}#${codings.length}`;
        seenCodingIds.add(id);
        const memo = [...selectionMemo, ...memoOf(codingElement)].filter((part) => part.trim() !== '').join('\n\n');
        codings.push({
          id,
          sourceId: item.source.id,
          layer,
          codeId,
          start,
          end,
          memo,
          createdAt: isoDate(codingElement.attributes.creationDateTime, selection.element.attributes.creationDateTime, projectDate),
          createdBy: creator ?? unknownCoderId,
        });
      }
    }
  }

  // Project notes: those the Project points at, and notes attached to nothing we import.
  const projectNotes: ExchangeNote[] = [];
  const projectNoteKeys = new Set(childrenNamed(root, 'NoteRef').map((ref) => guidKey(ref.attributes.targetGUID ?? '')));
  const attachedElsewhere = new Set<string>();
  const markAttached = (element: XmlElement) => {
    for (const child of element.children) {
      if (child.name === 'NoteRef' && element !== root) attachedElsewhere.add(guidKey(child.attributes.targetGUID ?? ''));
      else if (child.name !== 'Notes') markAttached(child);
    }
  };
  markAttached(root);
  for (const [key, note] of notes) {
    if (usedNotes.has(key)) continue;
    if (projectNoteKeys.has(key) || (!attachedElsewhere.has(key) && !linkedNotes.has(key) && ![...linkedNotes.values()].some((keys) => keys.includes(key)))) {
      projectNotes.push({ id: key, title: note.title, text: note.text });
    } else {
      skipped.push({ what: `note "${note.title}"`, why: 'it is attached to a code, source, case or link, which cocode has no memo for' });
    }
  }

  const sources = pending.map((item) => item.source);
  const project: ExchangeProject = {
    name: root.attributes.name?.trim() || 'Imported project',
    // Calibration starts blind, whatever the other tool did; the owner can open it up.
    blind: true,
    users: [...users.values()].filter((user) => !isConsensusUser(user.id)),
    codes,
    sources,
    codings,
    ...(projectNotes.length > 0 ? { notes: projectNotes } : {}),
  };
  const anyCrlf = pending.some((item) => item.raw.includes('\r\n'));
  return {
    project,
    report: {
      sources: sources.length,
      codes: codes.length,
      codings: codings.length,
      users: project.users.length,
      notes: usedNotes.size + projectNotes.length,
      offsets: convention.codePoints ? 'codepoints' : 'utf16',
      crlfCountsAs: anyCrlf ? (convention.crlfAsOne ? 1 : 2) : null,
      skipped,
    },
  };
}

/** A text source's plain text, or why it has none we can read. */
function readSourceText(element: XmlElement, entries: Map<string, ZipEntry>, archive: ZipArchive, name: string): string | { why: string } {
  const inline = firstChild(element, 'PlainTextContent');
  const path = element.attributes.plainTextPath;
  if (path) {
    const entry = findSourceEntry(path, entries);
    if (entry === 'external') return { why: `its text is an external file (${path}), not inside the archive` };
    if (entry) return decodeText(archive.read(entry), `the text of source "${name}"`);
    if (!inline) return { why: `its text file ${path} is not in the archive` };
  }
  if (inline) return inline.text;
  if (element.attributes.richTextPath) return { why: 'it has only rich text (.docx) and no plain-text representation to position selections in' };
  return { why: 'it has neither plainTextPath nor PlainTextContent' };
}
