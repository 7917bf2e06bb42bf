/**
 * Request bodies of the REST API as zod schemas: the server validates with them (SPEC V1) and the
 * client's calls are typed from them, so the two cannot drift apart. Limits are passed in from the
 * server's one config object; the client, which never validates, uses only the inferred types.
 */
import { z } from 'zod';
import { projectRoles } from '../authz';
import { writableLayers } from '../collab/layers';
import { agreementQueryLimits } from './agreementQuery';

/** The limits the schemas enforce (a subset of the server's `Limits`). */
export interface RequestLimits {
  nameMaxChars: number;
  codeTextFieldMaxChars: number;
  transcriptMaxChars: number;
  memoMaxChars: number;
  pseudonymEntriesMax: number;
  roundDocumentsMax: number;
  roundCodersMax: number;
  codesPerProjectMax: number;
}

/** What `GET /api/projects/:projectId/export?format=…` writes. */
export const exportFormats = ['qdpx', 'qdc', 'csv', 'codebook-csv', 'json', 'html'] as const;
export type ExportFormat = (typeof exportFormats)[number];

export function requestSchemas(limits: RequestLimits) {
  const name = z.string().trim().min(1, 'must not be empty').max(limits.nameMaxChars, `at most ${limits.nameMaxChars} characters`);
  const longText = z.string().max(limits.codeTextFieldMaxChars, `at most ${limits.codeTextFieldMaxChars} characters`);
  const offset = z.number().int('must be a whole number').min(0, 'must be 0 or more');
  const color = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour like #1f77b4');
  const role = z.enum(projectRoles, { message: `must be one of ${projectRoles.join(', ')}` });
  const memo = z.string().max(limits.memoMaxChars, `at most ${limits.memoMaxChars} characters`);
  const codeId = z.string().min(1).max(100);
  const layer = z.enum(writableLayers);
  const codeFields = {
    parentId: z.string().nullable().optional(),
    color: color.optional(),
    definition: longText.optional(),
    inclusion: longText.optional(),
    exclusion: longText.optional(),
    example: longText.optional(),
    order: z.number().finite().optional(),
    archived: z.boolean().optional(),
  };
  return {
    register: z.strictObject({
      email: z.email('must be an email address').max(320),
      password: z.string().max(1024, 'at most 1024 characters'),
      name,
    }),
    login: z.strictObject({ email: z.string().max(320), password: z.string().max(1024) }),
    changePassword: z.strictObject({ currentPassword: z.string().max(1024), newPassword: z.string().max(1024, 'at most 1024 characters') }),
    deleteAccount: z.strictObject({ password: z.string().max(1024) }),
    createProject: z.strictObject({ name, blind: z.boolean().optional() }),
    updateProject: z.strictObject({ name: name.optional(), blind: z.boolean().optional() }),
    /** The project's name typed by the owner, compared exactly: deleting erases everything in it (SPEC E4). */
    deleteProject: z.strictObject({
      confirmName: z.string({ error: "type the project's name to confirm the deletion" }).max(limits.nameMaxChars, `at most ${limits.nameMaxChars} characters`),
    }),
    addMember: z.strictObject({ email: z.email('must be an email address').max(320), role }),
    updateMember: z.strictObject({ role }),
    createCode: z.strictObject({ name, ...codeFields }),
    updateCode: z.strictObject({ name: name.optional(), ...codeFields }),
    mergeCode: z.strictObject({ intoCodeId: codeId }),
    createDocument: z.strictObject({
      title: name,
      text: z.string().min(1, 'must not be empty').max(limits.transcriptMaxChars * 2, 'transcript too long'),
      attributes: z.record(z.string().max(100), z.string().max(1000)).optional(),
    }),
    createCoding: z.strictObject({ codeId, start: offset, end: offset, memo: memo.optional(), layer: layer.optional() }),
    putPseudonyms: z.strictObject({
      mapping: z
        .array(z.strictObject({ original: name, replacement: name }))
        .max(limits.pseudonymEntriesMax, `at most ${limits.pseudonymEntriesMax} entries`),
    }),
    /** The export's query string: every parameter is text; `layer` is `all`, `consensus`, `me` or a user id. */
    exportQuery: z.strictObject({
      format: z.enum(exportFormats, { message: `must be one of ${exportFormats.join(', ')}` }),
      layer: z.string().min(1).max(100).optional(),
      document: z.string().min(1).max(100).optional(),
      offsets: z.enum(['utf16', 'codepoints'], { message: 'must be utf16 or codepoints' }).optional(),
      bom: z.enum(['0', '1'], { message: 'must be 0 or 1' }).optional(),
    }),
    createRound: z.strictObject({
      name,
      documentIds: z
        .array(z.string().min(1).max(100))
        .min(1, 'name at least one transcript')
        .max(limits.roundDocumentsMax, `at most ${limits.roundDocumentsMax} transcripts`),
      coderIds: z
        .array(z.string().min(1).max(100))
        .min(2, 'name at least two coders')
        .max(limits.roundCodersMax, `at most ${limits.roundCodersMax} coders`),
      /** Omitted: every code of the codebook. */
      codeIds: z.array(codeId).min(1, 'name at least one code, or leave codeIds out for all').max(limits.codesPerProjectMax).optional(),
      unit: z
        .union([
          z.strictObject({ kind: z.enum(['continuum', 'turn', 'paragraph', 'sentence', 'document']) }),
          z.strictObject({
            kind: z.literal('window'),
            size: z.number().int().min(agreementQueryLimits.windowCharsMin).max(agreementQueryLimits.windowCharsMax),
          }),
        ])
        .optional(),
      targetAlpha: z.number().min(0, 'must be from 0 to 1').max(1, 'must be from 0 to 1').optional(),
    }),
    /** `coderId` may only be the caller: it is there so a mistaken submission for someone else is refused, not silently re-aimed. */
    submitRound: z.strictObject({ submitted: z.boolean().optional(), coderId: z.string().min(1).max(100).optional() }),
    closeRound: z.strictObject({ reveal: z.boolean().optional() }),
    revealRound: z.strictObject({ revealed: z.boolean().optional() }),
    updateCoding: z.strictObject({
      codeId: codeId.optional(),
      start: offset.optional(),
      end: offset.optional(),
      memo: memo.optional(),
      layer: layer.optional(),
    }),
  };
}

export type RequestSchemas = ReturnType<typeof requestSchemas>;
type Body<K extends keyof RequestSchemas> = z.infer<RequestSchemas[K]>;

export type RegisterBody = Body<'register'>;
export type LoginBody = Body<'login'>;
export type ChangePasswordBody = Body<'changePassword'>;
export type DeleteAccountBody = Body<'deleteAccount'>;
export type CreateProjectBody = Body<'createProject'>;
export type UpdateProjectBody = Body<'updateProject'>;
export type DeleteProjectBody = Body<'deleteProject'>;
export type AddMemberBody = Body<'addMember'>;
export type UpdateMemberBody = Body<'updateMember'>;
export type CreateCodeBody = Body<'createCode'>;
export type UpdateCodeBody = Body<'updateCode'>;
export type CreateDocumentBody = Body<'createDocument'>;
export type CreateCodingBody = Body<'createCoding'>;
export type UpdateCodingBody = Body<'updateCoding'>;
export type PutPseudonymsBody = Body<'putPseudonyms'>;
export type ExportQuery = Body<'exportQuery'>;
export type CreateRoundBody = Body<'createRound'>;
export type SubmitRoundBody = Body<'submitRound'>;
export type CloseRoundBody = Body<'closeRound'>;
export type RevealRoundBody = Body<'revealRound'>;
