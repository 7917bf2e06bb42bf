/** Request body schemas; limits come from the one config object. */
import { z } from 'zod';
import { projectRoles } from '../../shared/authz';
import type { Limits } from '../config';

export function requestSchemas(limits: Limits) {
  const name = z.string().trim().min(1, 'must not be empty').max(limits.nameMaxChars, `at most ${limits.nameMaxChars} characters`);
  const longText = z.string().max(limits.codeTextFieldMaxChars, `at most ${limits.codeTextFieldMaxChars} characters`);
  const offset = z.number().int('must be a whole number').min(0, 'must be 0 or more');
  const color = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour like #1f77b4');
  const role = z.enum(projectRoles, { message: `must be one of ${projectRoles.join(', ')}` });
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
    createProject: z.strictObject({ name, blind: z.boolean().optional() }),
    updateProject: z.strictObject({ name: name.optional(), blind: z.boolean().optional() }),
    addMember: z.strictObject({ email: z.email('must be an email address').max(320), role }),
    updateMember: z.strictObject({ role }),
    createCode: z.strictObject({ name, ...codeFields }),
    updateCode: z.strictObject({ name: name.optional(), ...codeFields }),
    mergeCode: z.strictObject({ intoCodeId: z.string().min(1).max(100) }),
    createDocument: z.strictObject({
      title: name,
      text: z.string().min(1, 'must not be empty').max(limits.transcriptMaxChars * 2, 'transcript too long'),
      attributes: z.record(z.string().max(100), z.string().max(1000)).optional(),
    }),
    createCoding: z.strictObject({
      codeId: z.string().min(1).max(100),
      start: offset,
      end: offset,
      memo: z.string().max(limits.memoMaxChars, `at most ${limits.memoMaxChars} characters`).optional(),
      layer: z.enum(['me', 'consensus']).optional(),
    }),
    updateCoding: z.strictObject({
      codeId: z.string().min(1).max(100).optional(),
      start: offset.optional(),
      end: offset.optional(),
      memo: z.string().max(limits.memoMaxChars, `at most ${limits.memoMaxChars} characters`).optional(),
      layer: z.enum(['me', 'consensus']).optional(),
    }),
  };
}

export type RequestSchemas = ReturnType<typeof requestSchemas>;
