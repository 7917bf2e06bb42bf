/**
 * Data in and out: whole projects (REFI-QDA .qdpx/.qdc, the cocode JSON), codebooks, transcript
 * files, and every export format. The pure readers and writers of server/exchange speak the neutral
 * model; this service turns it into stored projects and back, authorizing through AccessService
 * and the other services (SPEC A2, A3) and writing collaborative data only through the document
 * gateway (SPEC D1, D2).
 *
 * All or nothing. An import is read, checked and built completely before anything is stored: the
 * collaborative documents are built as local Y.Docs (codings anchored with the shared coding model
 * on the local transcript, whose items the live document then receives as they are, so the anchors
 * hold), checked against the limits, and only then written. Writes go in an order that keeps a
 * failure invisible: collaborative documents first, under fresh random ids no record points to yet,
 * then the relational records that make them reachable. If a write of a project import fails after
 * the project was created, the documents already written are erased as a deletion erases them (SPEC
 * E4: no snapshot, log row or open connection of them is left), then the project is deleted (its
 * memberships and document records go with it) and so are the placeholder accounts made for it.
 *
 * Imported coders. Each person of an imported file becomes a member with a coder layer, so
 * agreement can be computed. A person with the importer's email is the importer; one whose email
 * belongs to an account is added as a coder through the project service; anyone else is a
 * placeholder account named after them, with an email under the reserved `.invalid` domain and a
 * password nobody knows, so it can never sign in, and shows by name in members and agreement.
 */
import { randomUUID } from 'node:crypto';
import * as Y from 'yjs';
import type {
  CodebookImport,
  DocumentImportResult,
  DocumentPreview,
  ImportedCoder,
  ImportedDocument,
  ImportedProject,
  ImportSkip,
  PseudonymMapping,
} from '../../shared/api/responses';
import type { ExportFormat } from '../../shared/api/requests';
import { anchorRange, newCoding } from '../../shared/collab/codings';
import { documentNames } from '../../shared/collab/documentNames';
import { consensusLayerId, isConsensusLayer, layerDocumentName } from '../../shared/collab/layers';
import { appendTurns, type Code, countCodings, putCode, putCoding, readCodes, readDecisions, readTurns, writeTranscriptMeta } from '../../shared/collab/schema';
import { TranscriptIndex } from '../../shared/collab/transcriptIndex';
import { hashPassword } from '../auth/passwords';
import { newToken } from '../auth/tokens';
import { DomainError, conflict, invalid, notFound, tooLarge, unsupported } from '../errors';
import { type ExchangeCode, type ExchangeCoding, type ExchangeDecision, type ExchangeProject, type ExchangeSource, type ExchangeUser, sourceText } from '../exchange/model';
import { readQdc, readQdpx, writeQdc, writeQdpx } from '../exchange/refi/index';
import { codebookCsv } from '../exchange/tabular/codebookCsv';
import { codedTranscriptHtml } from '../exchange/tabular/codedTranscriptHtml';
import { codingsCsv } from '../exchange/tabular/codingsCsv';
import { projectJson, readProjectJson } from '../exchange/tabular/projectJson';
import { matchAttributes, readAttributeSheet } from '../exchange/transcripts/attributeSheet';
import { checkPseudonymMapping, type PseudonymEntry, type PseudonymLimits, pseudonymise } from '../exchange/transcripts/pseudonymise';
import { checkSpeakerPattern, type SpeakerPattern } from '../exchange/transcripts/speakerTurns';
import { previewTurns, readTranscriptFile } from '../exchange/transcripts/transcriptFile';
import type { DocumentRecord, UserRecord } from '../storage/types';
import type { AccessService } from './access';
import type { CodebookService } from './codebook';
import type { CodingService } from './codings';
import type { ServiceContext } from './context';
import type { DocumentService } from './documents';
import { isPlaceholderEmail, placeholderEmail } from './placeholderAccounts';
import type { ProjectService } from './projects';

/** An uploaded file: the name the client gave and its bytes. */
export interface UploadedFile {
  name: string;
  bytes: Uint8Array;
}

export interface ExportOptions {
  format: ExportFormat;
  /** `all` (default: every layer the caller may read), `consensus`, `me` or a user id. */
  layer?: string;
  /** One document's id: the export covers only it (required for `html`). */
  document?: string;
  /** REFI-QDA selection positions: code points (the standard, default) or UTF-16 (NVivo). */
  offsets?: 'utf16' | 'codepoints';
  /** CSV: start with a byte order mark, for Excel. */
  bom?: boolean;
}

export interface ExportedFile {
  contentType: string;
  /** ASCII-only, safe in a Content-Disposition header and on every file system. */
  fileName: string;
  /** The same name with its Unicode letters, for `filename*`. */
  unicodeFileName: string;
  body: string | Uint8Array;
}

export interface DocumentImportInput {
  files: UploadedFile[];
  /** A speaker pattern name, or JSON `{"speakers": [...]}`. */
  speakerPattern?: string;
  /** A CSV sheet of participant attributes by document title. */
  attributes?: UploadedFile;
  /** JSON `[{original, replacement}]`: added to the project's stored mapping, then applied. */
  pseudonyms?: string;
}

const projectFileTypes = '.qdpx (REFI-QDA project), .qdc (REFI-QDA codebook) or .json (cocode project)';

function extensionOf(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return dot >= 0 ? fileName.slice(dot + 1).toLowerCase() : '';
}

/** The file name without its extension and folders: a transcript's title. */
function baseName(fileName: string): string {
  const name = fileName.replace(/^.*[/\\]/, '');
  const dot = name.lastIndexOf('.');
  return (dot > 0 ? name.slice(0, dot) : name).trim();
}

function decodeUtf8(bytes: Uint8Array, what: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw invalid(`${what} is not valid UTF-8 text`, 'text_encoding');
  }
}

/** A name every file system and header accepts: letters kept, anything else a hyphen, bounded. */
function fileNamePart(name: string, ascii: boolean): string {
  let part = name.normalize(ascii ? 'NFKD' : 'NFC');
  if (ascii) part = part.replace(/\p{M}/gu, '');
  part = part
    .replace(ascii ? /[^A-Za-z0-9._-]+/g : /[^\p{L}\p{N}._-]+/gu, '-')
    .replace(/-{2,}/g, '-')
    // No ".." anywhere: harmless without separators, but alarming in a download name.
    .replace(/\.{2,}/g, '.')
    .replace(/^[-.]+|[-.]+$/g, '');
  return [...part].slice(0, 80).join('');
}

export function exportFileNames(parts: string[], extension: string): { fileName: string; unicodeFileName: string } {
  const join = (ascii: boolean) => parts.map((part) => fileNamePart(part, ascii)).filter((part) => part.length > 0).join('-') || 'cocode-export';
  return { fileName: `${join(true)}.${extension}`, unicodeFileName: `${join(false)}.${extension}` };
}

const exportTypes: Record<ExportFormat, { contentType: string; extension: string }> = {
  qdpx: { contentType: 'application/zip', extension: 'qdpx' },
  qdc: { contentType: 'application/xml; charset=utf-8', extension: 'qdc' },
  csv: { contentType: 'text/csv; charset=utf-8', extension: 'csv' },
  'codebook-csv': { contentType: 'text/csv; charset=utf-8', extension: 'csv' },
  json: { contentType: 'application/json; charset=utf-8', extension: 'json' },
  html: { contentType: 'text/html; charset=utf-8', extension: 'html' },
};

/** Creation times one millisecond apart, so documents imported together list in the file's order. */
function creationTimes(): () => string {
  let last = 0;
  return () => {
    last = Math.max(Date.now(), last + 1);
    return new Date(last).toISOString();
  };
}

/** A collaborative document built locally, to be written as one update. */
interface BuiltDocument {
  name: string;
  update: Uint8Array;
}

interface PlannedMember {
  userId: string;
  name: string;
  as: ImportedCoder['as'];
  /** For `member`: the account's email, added through the project service. */
  email?: string;
}

interface ImportPlan {
  codebook: Y.Doc;
  sources: { record: Omit<DocumentRecord, 'projectId' | 'createdAt'>; documents: Y.Doc[]; layerIds: string[] }[];
  members: PlannedMember[];
  skipped: ImportSkip[];
}

export class ExchangeService {
  constructor(
    private readonly context: ServiceContext,
    private readonly access: AccessService,
    private readonly services: { projects: ProjectService; codebook: CodebookService; documents: DocumentService; codings: CodingService },
  ) {}

  private get limits() {
    return this.context.config.limits;
  }

  // ------------------------------------------------------------ projects

  /** A new project from a .qdpx, .qdc or cocode .json file; the importer is its owner. */
  async importProject(actor: UserRecord, file: UploadedFile): Promise<ImportedProject> {
    const { project, report } = this.readProjectFile(file);
    const plan = await this.planImport(actor, project, report.skipped);
    const documents = this.encodeDocuments(plan);
    const name = [...(project.name.trim() || baseName(file.name) || 'Imported project')].slice(0, this.limits.nameMaxChars).join('');

    const created = await this.services.projects.create(actor, { name, blind: project.blind });
    const placeholders: string[] = [];
    try {
      await this.writeNewDocument({ name: documentNames.codebook(created.id), update: documents.codebook });
      for (const document of documents.others) await this.writeNewDocument(document);
      const createdAt = creationTimes();
      for (const source of plan.sources) await this.context.store.createDocument({ ...source.record, projectId: created.id, createdAt: createdAt() });
      for (const member of plan.members) {
        if (member.as === 'importer') continue;
        if (member.as === 'member' && member.email) {
          await this.services.projects.addMember(actor, created.id, { email: member.email, role: 'coder' });
          continue;
        }
        await this.context.store.createUser({
          id: member.userId,
          email: placeholderEmail(member.userId),
          name: member.name,
          isAdmin: false,
          createdAt: new Date().toISOString(),
          // A password nobody is told: the account exists to own a layer, never to sign in.
          passwordHash: await hashPassword(newToken().token),
        });
        placeholders.push(member.userId);
        await this.context.store.setMember(created.id, member.userId, 'coder');
      }
    } catch (error) {
      await this.undoImport(created.id, plan.sources.map((source) => source.record.id), placeholders);
      throw error;
    }
    return {
      project: await this.services.projects.get(actor, created.id),
      report: {
        sources: plan.sources.length,
        codes: report.codes,
        codings: report.codings,
        users: report.users,
        notes: report.notes,
        offsets: report.offsets,
        skipped: plan.skipped,
        coders: plan.members.map(({ userId, name, as }) => ({ userId, name, as })),
      },
    };
  }

  private async undoImport(projectId: string, documentIds: string[], placeholders: string[]): Promise<void> {
    // Every document the import may have written, whether or not its record was made yet; the
    // erase also closes any connection a coder added a moment ago opened to them.
    await this.context.eraseDocuments({ documentIds, projectIds: [projectId] });
    await this.context.store.deleteProject(projectId);
    for (const userId of placeholders) await this.context.store.deleteUser(userId);
  }

  /** Parses a project file by its extension; throws the reader's DomainError for anything wrong. */
  private readProjectFile(file: UploadedFile): { project: ExchangeProject; report: Omit<ImportedProject['report'], 'coders'> } {
    const { importMaxBytes } = this.limits;
    if (file.bytes.length > importMaxBytes) throw tooLarge(`"${file.name}" is ${file.bytes.length} bytes; imports may be at most ${importMaxBytes} bytes`, 'import_too_large');
    const extension = extensionOf(file.name);
    if (extension === 'qdpx') {
      const { project, report } = readQdpx(file.bytes, this.limits);
      // cocode has no project-level notes: say so rather than drop them silently.
      const notes = project.notes ?? [];
      const skipped = [...report.skipped, ...notes.map((note) => ({ what: `project note "${note.title}"`, why: 'cocode keeps memos on codings, not on the project' }))];
      return { project: { ...project, notes: [] }, report: { ...report, notes: memoCount(project), skipped } };
    }
    if (extension === 'qdc') {
      const codes = readQdc(file.bytes, this.limits);
      const project: ExchangeProject = { name: baseName(file.name), blind: true, users: [], codes, sources: [], codings: [] };
      return { project, report: { sources: 0, codes: codes.length, codings: 0, users: 0, notes: 0, offsets: 'utf16', skipped: [] } };
    }
    if (extension === 'json') {
      const project = readProjectJson(decodeUtf8(file.bytes, `"${file.name}"`), this.limits);
      return {
        project,
        report: {
          sources: project.sources.length,
          codes: project.codes.length,
          codings: project.codings.length,
          users: project.users.length,
          notes: memoCount(project),
          offsets: 'utf16',
          skipped: [],
        },
      };
    }
    throw unsupported(`${extension ? `.${extension} files are` : `"${file.name}" has no extension, so it is`} not a project file; import a ${projectFileTypes}`);
  }

  /** Maps people to accounts and builds every collaborative document locally; writes nothing. */
  private async planImport(actor: UserRecord, project: ExchangeProject, readerSkips: ImportSkip[]): Promise<ImportPlan> {
    const { nameMaxChars, memoMaxChars, codingsPerLayerMax, transcriptMaxChars } = this.limits;
    const skipped = [...readerSkips];
    const members = await this.planMembers(actor, project.users);
    const accountOf = new Map(members.map((member, index) => [project.users[index].id, member.userId]));
    const account = (fileUserId: string, where: string) => {
      const id = accountOf.get(fileUserId);
      if (!id) throw invalid(`${where}: the file names no user ${fileUserId}`, 'unknown_user');
      return id;
    };

    const codebook = new Y.Doc();
    const codeIds = new Map(project.codes.map((code) => [code.id, randomUUID()]));
    const codes = renameDuplicateCodes(project.codes, skipped);
    codebook.transact(() => {
      for (const code of codes) {
        if (code.name.length > nameMaxChars) throw invalid(`code "${code.name.slice(0, 60)}…": a code name has at most ${nameMaxChars} characters`, 'name_too_long');
        putCode(codebook, { ...code, id: codeIds.get(code.id) as string, parentId: code.parentId === null ? null : (codeIds.get(code.parentId) ?? null) });
      }
    });

    const codingsBySource = new Map<string, ExchangeCoding[]>();
    for (const coding of project.codings) codingsBySource.set(coding.sourceId, [...(codingsBySource.get(coding.sourceId) ?? []), coding]);

    const sources: ImportPlan['sources'] = [];
    for (const source of project.sources) {
      const codings = codingsBySource.get(source.id) ?? [];
      if (sourceText(source).replace(/\s/g, '').length === 0) {
        skipped.push({ what: `source "${source.title}"${codings.length > 0 ? ` and its ${codings.length} coding(s)` : ''}`, why: 'it has no text' });
        continue;
      }
      const title = source.title.trim() || 'Untitled transcript';
      if (title.length > nameMaxChars) throw invalid(`source "${title.slice(0, 60)}…": a title has at most ${nameMaxChars} characters`, 'name_too_long');
      if (sourceText(source).length > transcriptMaxChars)
        throw tooLarge(`source "${title}" has ${sourceText(source).length} characters; transcripts hold at most ${transcriptMaxChars}`, 'transcript_too_long');
      const documentId = randomUUID();
      const transcript = new Y.Doc();
      transcript.transact(() => {
        appendTurns(transcript, source.turns);
        writeTranscriptMeta(transcript, { title, attributes: source.attributes });
      });
      const index = new TranscriptIndex(transcript);
      const layers = new Map<string, Y.Doc>();
      for (const coding of codings) {
        const where = `coding [${coding.start}, ${coding.end}) in "${title}"`;
        const anchored = anchorRange(index, coding.start, coding.end);
        if ('refusal' in anchored) throw invalid(`${where}: ${anchored.refusal.message}`, anchored.refusal.code);
        if (coding.memo.length > memoMaxChars) throw invalid(`${where}: its memo has ${coding.memo.length} characters; at most ${memoMaxChars}`, 'memo_too_long');
        const creator = account(coding.createdBy, where);
        // A coder's layer holds only that coder's codings (SPEC K3); the consensus keeps who wrote each.
        const layerId = coding.layer.kind === 'consensus' ? consensusLayerId : account(coding.layer.userId, where);
        const layer = layers.get(layerId) ?? new Y.Doc();
        layers.set(layerId, layer);
        putCoding(
          layer,
          newCoding({
            id: randomUUID(),
            codeId: codeIds.get(coding.codeId) as string,
            anchors: anchored.anchors,
            start: coding.start,
            end: coding.end,
            memo: coding.memo,
            createdBy: isConsensusLayer(layerId) ? creator : layerId,
            createdAt: coding.createdAt,
          }),
        );
        if (countCodings(layer) > codingsPerLayerMax)
          throw tooLarge(`"${title}": one layer has more than ${codingsPerLayerMax} codings`, 'too_many_codings');
      }
      sources.push({
        record: { id: documentId, title, attributes: source.attributes },
        documents: [transcript, ...layers.values()],
        layerIds: [...layers.keys()],
      });
    }
    return { codebook, sources, members, skipped };
  }

  /** Who each file user becomes, in the file's order. */
  private async planMembers(actor: UserRecord, users: ExchangeUser[]): Promise<PlannedMember[]> {
    const { nameMaxChars } = this.limits;
    const taken = new Set<string>();
    const planned: PlannedMember[] = [];
    for (const user of users) {
      const name = [...(user.name.trim() || 'Imported coder')].slice(0, nameMaxChars).join('');
      const email = user.email?.trim().toLowerCase();
      if (email && email === actor.email.toLowerCase() && !taken.has(actor.id)) {
        planned.push({ userId: actor.id, name, as: 'importer' });
        taken.add(actor.id);
        continue;
      }
      const existing = email && !isPlaceholderEmail(email) ? await this.context.store.getUserByEmail(email) : null;
      if (existing && !taken.has(existing.id)) {
        planned.push({ userId: existing.id, name, as: 'member', email: existing.email });
        taken.add(existing.id);
        continue;
      }
      planned.push({ userId: randomUUID(), name, as: 'placeholder' });
    }
    return planned;
  }

  /** The local documents as updates, after checking each against the size limit; the codebook's name needs the project. */
  private encodeDocuments(plan: ImportPlan): { codebook: Uint8Array; others: BuiltDocument[] } {
    const encode = (name: string, doc: Y.Doc) => {
      const update = Y.encodeStateAsUpdate(doc);
      doc.destroy();
      if (update.length > this.limits.documentMaxBytes)
        throw tooLarge(`${name} would be ${update.length} bytes; a document holds at most ${this.limits.documentMaxBytes}`, 'document_too_large');
      return update;
    };
    const others: BuiltDocument[] = [];
    for (const source of plan.sources) {
      const [transcript, ...layers] = source.documents;
      others.push({ name: documentNames.transcript(source.record.id), update: encode(`transcript "${source.record.title}"`, transcript) });
      layers.forEach((doc, i) => {
        const name = layerDocumentName(source.record.id, source.layerIds[i]);
        others.push({ name, update: encode(`a coding layer of "${source.record.title}"`, doc) });
      });
    }
    return { codebook: encode('the codebook', plan.codebook), others };
  }

  /** Writes a document built locally into its (new, empty) live document, durably (SPEC D1). */
  private async writeNewDocument(document: BuiltDocument): Promise<void> {
    await this.context.gateway.write(document.name, (doc) => Y.applyUpdate(doc, document.update));
  }

  // ------------------------------------------------------------ codebook

  /** Merges a .qdc codebook: a code whose name (ignoring case) exists under the same parent is kept, others are added. */
  async importCodebook(actor: UserRecord, projectId: string, file: UploadedFile): Promise<CodebookImport> {
    await this.access.authorize(actor, projectId, 'codebook', 'write');
    if (extensionOf(file.name) !== 'qdc') throw unsupported(`"${file.name}" is not a REFI-QDA codebook; import a .qdc file`);
    const incoming = readQdc(file.bytes, this.limits);
    const { codesPerProjectMax, nameMaxChars } = this.limits;
    for (const code of incoming)
      if (code.name.trim().length > nameMaxChars) throw invalid(`code "${code.name.slice(0, 60)}…": a code name has at most ${nameMaxChars} characters`, 'name_too_long');
    const merged = await this.context.gateway.write(documentNames.codebook(projectId), (doc) => {
      // Plan everything before the first change, so a refusal leaves the codebook as it was.
      const existing = readCodes(doc);
      const plan = mergeCodebook(existing, incoming);
      const added = plan.filter((entry) => entry.status === 'added');
      if (existing.length + added.length > codesPerProjectMax)
        throw conflict(`the codebook would hold ${existing.length + added.length} codes; at most ${codesPerProjectMax}`, 'limit_reached');
      doc.transact(() => {
        for (const entry of added) putCode(doc, entry.code);
      });
      return { added: added.length, kept: plan.length - added.length, codes: plan.map(({ code, status, path }) => ({ id: code.id, name: code.name, path, status })) };
    });
    await this.services.codebook.written(projectId, actor);
    return merged;
  }

  // ------------------------------------------------------------ transcripts

  /** Imports transcript files one by one: each either becomes a document or is refused, leaving nothing. */
  async importDocuments(actor: UserRecord, projectId: string, input: DocumentImportInput): Promise<DocumentImportResult[]> {
    await this.access.authorize(actor, projectId, 'transcript', 'write');
    if (input.files.length === 0) throw invalid('file: attach at least one transcript file', 'no_files');
    const speakerPattern = this.speakerPattern(input.speakerPattern);
    const stored = await this.context.store.getPseudonymMapping(projectId);
    const mapping = mergePseudonyms(stored, this.requestMapping(input.pseudonyms), this.limits);
    const titles = input.files.map((file) => baseName(file.name));
    const attributes = input.attributes ? matchAttributes(readAttributeSheet(input.attributes.bytes, this.limits), titles) : null;
    const createdAt = creationTimes();

    const results: DocumentImportResult[] = [];
    for (const [i, file] of input.files.entries()) {
      try {
        const document = await this.importDocument(projectId, file, titles[i], {
          speakerPattern,
          mapping,
          attributes: attributes?.matched.find((match) => match.title === titles[i])?.attributes,
          sheetGiven: attributes !== null,
          createdAt: createdAt(),
        });
        results.push({ file: file.name, ok: true, document });
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        results.push({ file: file.name, ok: false, error: { code: error.code, message: error.message } });
      }
    }
    // The mapping grows only with an import that used it, so a wholly refused request changes nothing.
    if (mapping.length !== stored.length && results.some((result) => result.ok)) await this.context.store.setPseudonymMapping(projectId, mapping);
    return results;
  }

  private async importDocument(
    projectId: string,
    file: UploadedFile,
    title: string,
    options: { speakerPattern?: SpeakerPattern; mapping: PseudonymEntry[]; attributes?: Record<string, string>; sheetGiven: boolean; createdAt: string },
  ): Promise<ImportedDocument> {
    const { nameMaxChars, transcriptMaxChars, documentMaxBytes } = this.limits;
    if (title.length === 0) throw invalid(`"${file.name}" has no name to title the transcript with`, 'invalid_title');
    if (title.length > nameMaxChars) throw invalid(`"${file.name}": a title has at most ${nameMaxChars} characters`, 'name_too_long');
    const read = await readTranscriptFile({ fileName: file.name, bytes: file.bytes, speakerPattern: options.speakerPattern, limits: this.limits });
    const { turns, counts } = pseudonymise(read.turns, options.mapping, this.limits);
    const length = sourceText({ turns }).length;
    // Labels can be longer than the names they replace.
    if (length > transcriptMaxChars) throw tooLarge(`"${file.name}" holds ${length} characters after pseudonymisation; at most ${transcriptMaxChars}`, 'transcript_too_long');
    const record: DocumentRecord = { id: randomUUID(), projectId, title, attributes: options.attributes ?? {}, createdAt: options.createdAt };
    const transcript = new Y.Doc();
    transcript.transact(() => {
      appendTurns(transcript, turns);
      writeTranscriptMeta(transcript, { title: record.title, attributes: record.attributes });
    });
    const update = Y.encodeStateAsUpdate(transcript);
    transcript.destroy();
    if (update.length > documentMaxBytes) throw tooLarge(`"${file.name}" would be ${update.length} bytes as a document; at most ${documentMaxBytes}`, 'document_too_large');
    // The live document first, the record that makes it reachable last: a failure leaves nothing anyone can see.
    await this.writeNewDocument({ name: documentNames.transcript(record.id), update });
    await this.context.store.createDocument(record);
    const warnings = [...read.warnings, ...(options.sheetGiven && !options.attributes ? [`the attribute sheet has no row for "${title}"`] : [])];
    return {
      ...record,
      turns: turns.length,
      length,
      warnings,
      pseudonymsReplaced: counts.reduce((sum, count) => sum + count.inText + count.inSpeakers, 0),
    };
  }

  /** What a transcript file would become; writes nothing. */
  async previewDocument(actor: UserRecord, projectId: string, file: UploadedFile, speakerPattern?: string): Promise<DocumentPreview> {
    await this.access.authorize(actor, projectId, 'transcript', 'write');
    const preview = await previewTurns({ fileName: file.name, bytes: file.bytes, speakerPattern: this.speakerPattern(speakerPattern), limits: this.limits });
    return {
      file: file.name,
      format: preview.format,
      speakerPattern: preview.speakerPattern,
      turns: preview.turns,
      speakers: preview.speakers,
      characters: preview.characters,
      warnings: preview.warnings,
    };
  }

  private speakerPattern(text: string | undefined): SpeakerPattern | undefined {
    if (text === undefined || text === '') return undefined;
    if (!text.trimStart().startsWith('{')) return checkSpeakerPattern(text, this.limits);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw invalid(`speakerPattern: not JSON: ${(error as Error).message}`, 'invalid_speaker_pattern');
    }
    return checkSpeakerPattern(parsed, this.limits);
  }

  private requestMapping(text: string | undefined): PseudonymEntry[] {
    if (text === undefined || text === '') return [];
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw invalid(`pseudonyms: not JSON: ${(error as Error).message}`, 'invalid_pseudonym_mapping');
    }
    return checkPseudonymMapping(parsed as PseudonymEntry[], this.limits);
  }

  // ------------------------------------------------------------ pseudonyms

  /** The mapping names real people: owners only, whatever blind mode says. */
  private authorizePseudonyms(actor: UserRecord, projectId: string) {
    return this.access.authorize(actor, projectId, 'project-settings', 'write', () => 'only project owners see and change the pseudonymisation mapping');
  }

  async getPseudonyms(actor: UserRecord, projectId: string): Promise<PseudonymMapping> {
    await this.authorizePseudonyms(actor, projectId);
    return { mapping: await this.context.store.getPseudonymMapping(projectId) };
  }

  async putPseudonyms(actor: UserRecord, projectId: string, mapping: PseudonymEntry[]): Promise<PseudonymMapping> {
    await this.authorizePseudonyms(actor, projectId);
    const checked = checkPseudonymMapping(mapping, this.limits);
    await this.context.store.setPseudonymMapping(projectId, checked);
    return { mapping: checked };
  }

  // ------------------------------------------------------------ export

  /**
   * A project (or one document of it) in a format. Codings come from the coding service's list, so
   * the layers exported are exactly the layers the caller may read (blind mode: their own, SPEC A3);
   * codings that are not on their words (orphaned, pending, invalid; SPEC K5) are left out.
   */
  async exportProject(actor: UserRecord, projectId: string, options: ExportOptions): Promise<ExportedFile> {
    const { project: record } = await this.access.membership(actor, projectId);
    if (options.offsets !== undefined && options.format !== 'qdpx') throw invalid('offsets: only a .qdpx export has selection positions to count', 'invalid_parameter');
    if (options.bom !== undefined && options.format !== 'csv' && options.format !== 'codebook-csv') throw invalid('bom: only CSV exports start with a byte order mark', 'invalid_parameter');
    if (options.format === 'html' && !options.document) throw invalid('document: an HTML export shows one transcript; name it with document=<id>', 'document_required');
    const { contentType, extension } = exportTypes[options.format];
    const codes: ExchangeCode[] = await this.services.codebook.list(actor, projectId);
    const codebookOnly = options.format === 'qdc' || options.format === 'codebook-csv';
    if (codebookOnly && (options.layer !== undefined || options.document !== undefined))
      throw invalid(`layer, document: a ${options.format} export is the codebook alone`, 'invalid_parameter');
    const project = codebookOnly
      ? { name: record.name, blind: record.blind, users: [], codes, sources: [], codings: [] }
      : await this.exchangeProject(actor, projectId, record, codes, options);
    const names = (...parts: string[]) => exportFileNames([record.name, ...parts], extension);
    const bom = options.bom;
    switch (options.format) {
      case 'qdpx':
        return { contentType, ...names(), body: writeQdpx(project, { offsets: options.offsets ?? 'codepoints' }) };
      case 'qdc':
        return { contentType, ...names('codebook'), body: writeQdc(codes) };
      case 'csv':
        return { contentType, ...names('codings'), body: codingsCsv(project, { bom }) };
      case 'codebook-csv':
        return { contentType, ...names('codebook'), body: codebookCsv(project, { bom }) };
      case 'json':
        return { contentType, ...names(), body: projectJson(project) };
      case 'html': {
        const source = project.sources[0];
        return { contentType, ...names(source.title), body: codedTranscriptHtml(project, source.id, { exportedAt: new Date() }) };
      }
    }
  }

  /** The stored project in the neutral model, as far as the caller may read it. */
  private async exchangeProject(
    actor: UserRecord,
    projectId: string,
    record: { name: string; blind: boolean },
    codes: ExchangeCode[],
    options: ExportOptions,
  ): Promise<ExchangeProject> {
    const all = await this.services.documents.list(actor, projectId);
    const documents = options.document ? all.filter((document) => document.id === options.document) : all;
    if (options.document && documents.length === 0) throw notFound(`no document ${options.document} in this project`);
    const sources: ExchangeSource[] = [];
    const codings: ExchangeCoding[] = [];
    for (const document of documents) {
      const turns = await this.context.gateway.read(documentNames.transcript(document.id), readTurns);
      sources.push({ id: document.id, title: document.title, turns, attributes: document.attributes });
      for (const view of await this.services.codings.list(actor, projectId, document.id, options.layer ?? 'all')) {
        if (view.status !== 'ok' || view.orphaned) continue;
        codings.push({
          id: view.id,
          sourceId: document.id,
          layer: isConsensusLayer(view.layer) ? { kind: 'consensus' } : { kind: 'coder', userId: view.layer },
          codeId: view.codeId,
          start: view.start,
          end: view.end,
          memo: view.memo,
          createdAt: view.createdAt,
          createdBy: view.createdBy,
        });
      }
    }
    const { members } = await this.services.projects.listMembers(actor, projectId);
    const users: ExchangeUser[] = members.map((member) => ({
      id: member.userId,
      name: member.name,
      // A placeholder's address is ours, not the person's: leave it out so nobody mails it.
      ...(isPlaceholderEmail(member.email) ? {} : { email: member.email }),
      role: member.role,
    }));
    // Former members' codings stay the project's data (SPEC A9): name them too.
    const known = new Set(users.map((user) => user.id));
    for (const coding of codings) {
      for (const userId of [coding.layer.kind === 'coder' ? coding.layer.userId : null, coding.createdBy]) {
        if (userId === null || known.has(userId)) continue;
        known.add(userId);
        const former = await this.context.store.getUserById(userId);
        users.push({ id: userId, name: former?.name || userId });
      }
    }
    // The trail shows what every coder had: only for those who decide the consensus (SPEC Q1, Q4), and only with the consensus.
    const decisions: ExchangeDecision[] = [];
    const layer = options.layer ?? 'all';
    const { may } = await this.access.membership(actor, projectId);
    if ((layer === 'all' || layer === consensusLayerId) && may('consensus', 'write').allowed)
      for (const document of documents)
        for (const decision of await this.context.gateway.read(documentNames.consensus(document.id), readDecisions)) decisions.push({ ...decision, sourceId: document.id });
    return { name: record.name, blind: record.blind, users, codes, sources, codings, ...(decisions.length > 0 ? { decisions } : {}) };
  }
}

/** Codings that carry a memo: what a file's notes became. */
const memoCount = (project: ExchangeProject) => project.codings.filter((coding) => coding.memo.trim() !== '').length;

/** Codes that share a name with an earlier sibling get a numbered name: cocode names codes uniquely per level. */
function renameDuplicateCodes(codes: ExchangeCode[], skipped: ImportSkip[]): ExchangeCode[] {
  const seen = new Set<string>();
  return codes.map((code) => {
    const key = (name: string) => `${code.parentId ?? ''}\u0000${name.trim().toLowerCase()}`;
    let name = code.name.trim();
    for (let n = 2; seen.has(key(name)); n++) name = `${code.name.trim()} (${n})`;
    seen.add(key(name));
    if (name !== code.name.trim()) skipped.push({ what: `the name of code "${code.name}"`, why: `another code at its level has it; imported as "${name}"` });
    return { ...code, name };
  });
}

/** How each code of a codebook file lands in an existing codebook (parents before children, as the file lists them). */
function mergeCodebook(existing: Code[], incoming: ExchangeCode[]): { code: Code; status: 'added' | 'kept'; path: string }[] {
  const key = (parentId: string | null, name: string) => `${parentId ?? ''}\u0000${name.trim().toLowerCase()}`;
  const byKey = new Map(existing.map((code) => [key(code.parentId, code.name), code]));
  const nextOrder = new Map<string | null, number>();
  for (const code of existing) nextOrder.set(code.parentId, Math.max(nextOrder.get(code.parentId) ?? 0, code.order + 1));
  const placed = new Map<string, { id: string; path: string }>();
  const plan: { code: Code; status: 'added' | 'kept'; path: string }[] = [];
  for (const code of incoming) {
    const parent = code.parentId === null ? null : (placed.get(code.parentId) ?? null);
    const parentId = parent?.id ?? null;
    const path = parent ? `${parent.path} > ${code.name.trim()}` : code.name.trim();
    const match = byKey.get(key(parentId, code.name));
    if (match) {
      placed.set(code.id, { id: match.id, path });
      plan.push({ code: match, status: 'kept', path });
      continue;
    }
    const order = nextOrder.get(parentId) ?? 0;
    nextOrder.set(parentId, order + 1);
    const added: Code = { ...code, id: randomUUID(), name: code.name.trim(), parentId, order };
    byKey.set(key(parentId, added.name), added);
    placed.set(code.id, { id: added.id, path });
    plan.push({ code: added, status: 'added', path });
  }
  return plan;
}

/**
 * The stored mapping plus a request's entries. A name already mapped keeps its label: giving it
 * another would leave earlier transcripts and later ones naming one person differently.
 */
function mergePseudonyms(stored: PseudonymEntry[], requested: PseudonymEntry[], limits: PseudonymLimits): PseudonymEntry[] {
  const known = new Map(stored.map((entry) => [entry.original.toLowerCase(), entry.replacement]));
  const merged = [...stored];
  for (const entry of requested) {
    const label = known.get(entry.original.toLowerCase());
    if (label === undefined) {
      merged.push(entry);
      known.set(entry.original.toLowerCase(), entry.replacement);
    } else if (label !== entry.replacement)
      throw conflict(
        `pseudonyms: "${entry.original}" is already replaced by "${label}" in this project; change the stored mapping with PUT /pseudonyms first`,
        'pseudonym_conflict',
      );
  }
  // Checked as a whole: a new label must not contain a name the stored mapping replaces.
  return checkPseudonymMapping(merged, limits);
}
