/**
 * The lossless cocode project file: `{ format: "cocode-project", version: 1, project }`, where
 * `project` is the exchange model as it is (codebook, transcripts with turns and attributes, every
 * layer's codings with memos, users with email and role, settings). Reading keeps every id and time
 * exactly as written, so export → read → export gives the same bytes; giving imported items fresh ids
 * is the importing service's decision, not the format's.
 */
import { z } from 'zod';
import { projectRoles } from '../../../shared/authz';
import { defaultLimits, type Limits } from '../../config';
import { invalid, tooLarge, unsupported } from '../../errors';
import type { ExchangeCode, ExchangeCoding, ExchangeProject, ExchangeSource, ExchangeUser } from '../model';
import { indexProject } from './projectIndex';

export const projectFileFormat = 'cocode-project';
export const projectFileVersion = 1;

/** Pretty-printed JSON with a fixed key order, whatever order the model's objects were built in. */
export function projectJson(project: ExchangeProject): string {
  indexProject(project);
  const file = {
    format: projectFileFormat,
    version: projectFileVersion,
    project: {
      name: project.name,
      blind: project.blind,
      users: project.users.map(userEntry),
      codes: project.codes.map(codeEntry),
      sources: project.sources.map(sourceEntry),
      codings: project.codings.map(codingEntry),
      ...(project.decisions?.length ? { decisions: project.decisions } : {}),
    },
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

// JSON.stringify leaves out `undefined`, so users without an email or role carry no such key.
const userEntry = (user: ExchangeUser): ExchangeUser => ({ id: user.id, name: user.name, email: user.email, role: user.role });

const codeEntry = (code: ExchangeCode): ExchangeCode => ({
  id: code.id,
  name: code.name,
  parentId: code.parentId,
  order: code.order,
  color: code.color,
  definition: code.definition,
  inclusion: code.inclusion,
  exclusion: code.exclusion,
  example: code.example,
  archived: code.archived,
});

const sourceEntry = (source: ExchangeSource): ExchangeSource => ({
  id: source.id,
  title: source.title,
  turns: source.turns.map((turn) => ({ speaker: turn.speaker, timestamp: turn.timestamp, text: turn.text })),
  attributes: Object.fromEntries(Object.entries(source.attributes)),
});

const codingEntry = (coding: ExchangeCoding): ExchangeCoding => ({
  id: coding.id,
  sourceId: coding.sourceId,
  layer: coding.layer.kind === 'coder' ? { kind: 'coder', userId: coding.layer.userId } : { kind: 'consensus' },
  codeId: coding.codeId,
  start: coding.start,
  end: coding.end,
  memo: coding.memo,
  createdAt: coding.createdAt,
  createdBy: coding.createdBy,
});

function projectFileSchema(limits: Limits) {
  const id = z.string().min(1, 'an id cannot be empty');
  const name = z.string().max(limits.nameMaxChars, `at most ${limits.nameMaxChars} characters`);
  const codeText = z.string().max(limits.codeTextFieldMaxChars, `at most ${limits.codeTextFieldMaxChars} characters`);
  const offset = z.number().int('an offset is a whole number').min(0, 'an offset cannot be negative');

  const user = z.strictObject({
    id,
    name,
    email: z.email('not an email address').optional(),
    role: z.enum(projectRoles).optional(),
  });
  const code = z.strictObject({
    id,
    name: name.min(1, 'a code needs a name'),
    parentId: id.nullable(),
    order: z.number(),
    color: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour is #rrggbb'),
    definition: codeText,
    inclusion: codeText,
    exclusion: codeText,
    example: codeText,
    archived: z.boolean(),
  });
  const turn = z.strictObject({ speaker: name, timestamp: z.string().nullable(), text: z.string() });
  const source = z.strictObject({ id, title: name, turns: z.array(turn), attributes: z.record(z.string(), z.string()) });
  const layer = z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('coder'), userId: id }),
    z.strictObject({ kind: z.literal('consensus') }),
  ]);
  const coding = z.strictObject({
    id,
    sourceId: id,
    layer,
    codeId: id,
    start: offset,
    end: offset,
    memo: z.string().max(limits.memoMaxChars, `at most ${limits.memoMaxChars} characters`),
    createdAt: z.iso.datetime({ offset: true, message: 'an ISO 8601 date and time, e.g. 2025-01-31T09:30:00Z' }),
    createdBy: id,
  });
  return z.strictObject({
    format: z.literal(projectFileFormat),
    version: z.literal(projectFileVersion),
    project: z.strictObject({
      name,
      blind: z.boolean(),
      users: z.array(user),
      codes: z.array(code),
      sources: z.array(source),
      codings: z.array(coding),
      decisions: z.array(z.looseObject({ id, sourceId: id })).optional(),
    }),
  });
}

/** At most this many schema problems are listed in one error message. */
const issuesPerMessage = 5;

/**
 * Parses and checks a cocode project file. Every refusal is a DomainError whose message names the
 * JSON path (`project.codings[3].end: …`); nothing is repaired or guessed.
 */
export function readProjectJson(text: string, limits: Limits = defaultLimits): ExchangeProject {
  let parsed: unknown;
  try {
    // Editors on Windows save UTF-8 with a byte order mark, which JSON.parse refuses.
    parsed = JSON.parse(text.startsWith('\uFEFF') ? text.slice(1) : text);
  } catch (error) {
    throw invalid(`the file is not JSON: ${(error as Error).message}`, 'malformed_json');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || !('format' in parsed))
    throw invalid(`format: missing; a cocode project file starts with {"format": "${projectFileFormat}"}`, 'not_cocode_project');
  if (parsed.format !== projectFileFormat)
    throw invalid(`format: ${JSON.stringify(parsed.format)} is not "${projectFileFormat}"`, 'not_cocode_project');
  if ('version' in parsed && typeof parsed.version === 'number' && parsed.version !== projectFileVersion)
    throw unsupported(
      `version: ${parsed.version} is not supported; this cocode reads version ${projectFileVersion}`,
      'unsupported_version',
    );

  const result = projectFileSchema(limits).safeParse(parsed);
  if (!result.success) {
    const listed = result.error.issues.slice(0, issuesPerMessage).map((issue) => `${jsonPath(issue.path)}: ${issue.message}`);
    const more = result.error.issues.length - listed.length;
    throw invalid(`${listed.join('; ')}${more > 0 ? ` (and ${more} more)` : ''}`, 'invalid_project_file');
  }
  // A trail is checked for shape only and not imported: it belongs to the project it was decided in.
  const { name, blind, users, codes, sources, codings } = result.data.project;
  const project: ExchangeProject = { name, blind, users, codes, sources, codings };
  checkCounts(project, limits);
  indexProject(project, 'project.');
  return project;
}

function checkCounts(project: ExchangeProject, limits: Limits): void {
  if (project.codes.length > limits.codesPerProjectMax)
    throw tooLarge(`project.codes: ${project.codes.length} codes, at most ${limits.codesPerProjectMax}`, 'too_many_codes');
  project.sources.forEach((source, i) => {
    const length = source.turns.reduce((sum, turn) => sum + turn.text.length, Math.max(0, source.turns.length - 1));
    if (length > limits.transcriptMaxChars)
      throw tooLarge(
        `project.sources[${i}].turns: the text is ${length} characters, at most ${limits.transcriptMaxChars}`,
        'transcript_too_long',
      );
  });
  const codingsPerLayer = new Map<string, number>();
  project.codings.forEach((coding, i) => {
    const layerKey = JSON.stringify([coding.sourceId, coding.layer.kind === 'coder' ? coding.layer.userId : null]);
    const count = (codingsPerLayer.get(layerKey) ?? 0) + 1;
    codingsPerLayer.set(layerKey, count);
    if (count > limits.codingsPerLayerMax)
      throw tooLarge(
        `project.codings[${i}]: one layer of source "${coding.sourceId}" has more than ${limits.codingsPerLayerMax} codings`,
        'too_many_codings',
      );
  });
}

/** `["project", "codes", 0, "color"]` → `project.codes[0].color`. */
function jsonPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(the whole file)';
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`))
    .join('');
}
