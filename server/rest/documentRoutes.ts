/** `/projects/:projectId/documents`: transcripts, and deleting one with every coding of it (SPEC E1). */
import { Router } from 'express';
import type { RequestSchemas } from '../../shared/api/requests';
import type { Services } from '../services';
import { actor } from './authenticate';
import { parseBody } from './validation';

export function documentRoutes({ documents }: Services, schemas: RequestSchemas) {
  const router = Router();
  const base = '/projects/:projectId/documents';
  router.get(base, async (req, res) => {
    res.json(await documents.list(actor(req), req.params.projectId));
  });
  router.post(base, async (req, res) => {
    res.status(201).json(await documents.create(actor(req), req.params.projectId, parseBody(schemas.createDocument, req.body)));
  });
  router.get(`${base}/:documentId`, async (req, res) => {
    res.json(await documents.get(actor(req), req.params.projectId, req.params.documentId));
  });
  router.delete(`${base}/:documentId`, async (req, res) => {
    await documents.delete(actor(req), req.params.projectId, req.params.documentId);
    res.status(204).end();
  });
  return router;
}
