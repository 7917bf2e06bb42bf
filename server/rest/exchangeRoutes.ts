/**
 * Data in and out: `POST /projects/import`, `POST /projects/:projectId/codebook/import`,
 * `POST /projects/:projectId/documents/import` and `/documents/preview` (multipart uploads),
 * `GET|PUT /projects/:projectId/pseudonyms` and `GET /projects/:projectId/export`.
 */
import { type Request, type RequestHandler, type Response, Router } from 'express';
import multer from 'multer';
import type { RequestSchemas } from '../../shared/api/requests';
import type { Limits } from '../config';
import { DomainError, invalid, tooLarge } from '../errors';
import type { Services } from '../services';
import type { UploadedFile } from '../services/exchange';
import { actor } from './authenticate';
import { parseBody } from './validation';

/** Text fields a documents import may carry besides its files. */
const textFieldsMax = 10;

interface UploadRules {
  /** Largest single file, and the error code for one above it. */
  fileMaxBytes: number;
  tooLargeCode: string;
  files: { name: string; maxCount: number }[];
  /** Largest text field (a pseudonym mapping is the biggest). */
  fieldMaxBytes: number;
}

/** Multer's refusals in the API's words, naming the field (SPEC V1). */
function uploadError(error: unknown, rules: UploadRules): DomainError {
  if (error instanceof DomainError) return error;
  if (error instanceof multer.MulterError) {
    const field = error.field ? ` "${error.field}"` : '';
    switch (error.code) {
      case 'LIMIT_FILE_SIZE':
        return tooLarge(`file${field} is larger than ${rules.fileMaxBytes} bytes`, rules.tooLargeCode);
      case 'LIMIT_FIELD_VALUE':
        return tooLarge(`field${field} is longer than ${rules.fieldMaxBytes} bytes`, 'field_too_large');
      case 'LIMIT_FILE_COUNT':
      case 'LIMIT_UNEXPECTED_FILE': {
        const expected = rules.files.map((file) => `"${file.name}" (at most ${file.maxCount})`).join(', ');
        return invalid(`unexpected file field${field}, or too many files; this route takes ${expected}`, 'unexpected_file');
      }
      default:
        return invalid(`the upload was refused: ${error.message}`, 'invalid_upload');
    }
  }
  return invalid(`the upload is not readable multipart/form-data: ${(error as Error).message}`, 'invalid_upload');
}

/** Reads a multipart request into memory within the rules; resolves once every part is in. */
function receive(rules: UploadRules): (req: Request, res: Response) => Promise<void> {
  const middleware: RequestHandler = multer({
    storage: multer.memoryStorage(),
    // File names as browsers and fetch send them: UTF-8, so "Müller.txt" keeps its letters.
    defParamCharset: 'utf8',
    limits: {
      fileSize: rules.fileMaxBytes,
      files: rules.files.reduce((sum, file) => sum + file.maxCount, 0),
      fields: textFieldsMax,
      fieldSize: rules.fieldMaxBytes,
    },
  }).fields(rules.files);
  return (req, res) => new Promise((resolve, reject) => middleware(req, res, (error?: unknown) => (error ? reject(uploadError(error, rules)) : resolve())));
}

function filesOf(req: Request, field: string): UploadedFile[] {
  const files = (req.files as Record<string, Express.Multer.File[]> | undefined)?.[field] ?? [];
  return files.map((file) => ({ name: file.originalname, bytes: new Uint8Array(file.buffer.buffer, file.buffer.byteOffset, file.buffer.byteLength) }));
}

function oneFile(req: Request): UploadedFile {
  const [file] = filesOf(req, 'file');
  if (!file) throw invalid('file: send the file as the multipart/form-data field "file"', 'no_file');
  return file;
}

function textField(req: Request, name: string): string | undefined {
  const value = (req.body as Record<string, unknown> | undefined)?.[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalid(`${name}: send it once, as a text field`, 'invalid_field');
  return value;
}

/** RFC 5987 encoding for `filename*`: percent-encoded UTF-8, with the characters it reserves escaped too. */
const rfc5987 = (name: string) => encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export function exchangeRoutes({ exchange }: Services, schemas: RequestSchemas, limits: Limits) {
  const router = Router();
  const fieldMaxBytes = limits.restBodyBytes;
  const projectFile = receive({ fileMaxBytes: limits.importMaxBytes, tooLargeCode: 'import_too_large', files: [{ name: 'file', maxCount: 1 }], fieldMaxBytes });
  const transcriptFiles = receive({
    fileMaxBytes: Math.max(limits.transcriptFileMaxBytes, limits.attributeSheetMaxBytes),
    tooLargeCode: 'file_too_large',
    files: [
      { name: 'file', maxCount: limits.importFilesMax },
      { name: 'attributes', maxCount: 1 },
    ],
    fieldMaxBytes,
  });
  const transcriptFile = receive({ fileMaxBytes: limits.transcriptFileMaxBytes, tooLargeCode: 'file_too_large', files: [{ name: 'file', maxCount: 1 }], fieldMaxBytes });

  router.post('/projects/import', async (req, res) => {
    await projectFile(req, res);
    res.status(201).json(await exchange.importProject(actor(req), oneFile(req)));
  });
  router.post('/projects/:projectId/codebook/import', async (req, res) => {
    await projectFile(req, res);
    res.json(await exchange.importCodebook(actor(req), req.params.projectId, oneFile(req)));
  });
  router.post('/projects/:projectId/documents/import', async (req, res) => {
    await transcriptFiles(req, res);
    const results = await exchange.importDocuments(actor(req), req.params.projectId, {
      files: filesOf(req, 'file'),
      attributes: filesOf(req, 'attributes')[0],
      speakerPattern: textField(req, 'speakerPattern'),
      pseudonyms: textField(req, 'pseudonyms'),
    });
    // Multi-Status: each file has its own outcome; the others go on when one is refused.
    res.status(207).json(results);
  });
  router.post('/projects/:projectId/documents/preview', async (req, res) => {
    await transcriptFile(req, res);
    res.json(await exchange.previewDocument(actor(req), req.params.projectId, oneFile(req), textField(req, 'speakerPattern')));
  });

  router.get('/projects/:projectId/pseudonyms', async (req, res) => {
    res.json(await exchange.getPseudonyms(actor(req), req.params.projectId));
  });
  router.put('/projects/:projectId/pseudonyms', async (req, res) => {
    const body = parseBody(schemas.putPseudonyms, req.body);
    res.json(await exchange.putPseudonyms(actor(req), req.params.projectId, body.mapping));
  });

  router.get('/projects/:projectId/export', async (req, res) => {
    const query = parseBody(schemas.exportQuery, req.query);
    const file = await exchange.exportProject(actor(req), req.params.projectId, {
      format: query.format,
      layer: query.layer,
      document: query.document,
      offsets: query.offsets,
      bom: query.bom === undefined ? undefined : query.bom === '1',
    });
    res.setHeader('Content-Type', file.contentType);
    res.setHeader('Content-Disposition', `attachment; filename="${file.fileName}"; filename*=UTF-8''${rfc5987(file.unicodeFileName)}`);
    // The coded page is self-contained; even opened from here it may load and run nothing.
    if (query.format === 'html') res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
    res.send(typeof file.body === 'string' ? file.body : Buffer.from(file.body));
  });
  return router;
}
