import { Router } from 'express';
import type { CocodeService } from '../service';
import { actor } from './authenticate';
import { badRequest } from './errors';
import type { RequestSchemas } from '../../shared/api/requests';
import { parseBody } from './validation';

function layerParameter(value: unknown): 'me' | 'consensus' {
  if (value === undefined || value === 'me') return 'me';
  if (value === 'consensus') return 'consensus';
  throw badRequest('layer must be "me" or "consensus"', 'invalid_layer');
}

export function documentRoutes(service: CocodeService, schemas: RequestSchemas) {
  const router = Router();
  const base = '/projects/:projectId/documents';

  router.get(base, async (req, res) => {
    res.json(await service.listDocuments(actor(req), req.params.projectId));
  });
  router.post(base, async (req, res) => {
    res.status(201).json(await service.createDocument(actor(req), req.params.projectId, parseBody(schemas.createDocument, req.body)));
  });
  router.get(`${base}/:documentId`, async (req, res) => {
    res.json(await service.getDocument(actor(req), req.params.projectId, req.params.documentId));
  });

  router.get(`${base}/:documentId/codings`, async (req, res) => {
    const layer = req.query.layer ?? 'me';
    if (typeof layer !== 'string' || layer.length === 0 || layer.length > 100)
      throw badRequest('layer must be "me", "consensus", "all" or a user id', 'invalid_layer');
    res.json(await service.listCodings(actor(req), req.params.projectId, req.params.documentId, layer));
  });
  router.post(`${base}/:documentId/codings`, async (req, res) => {
    const body = parseBody(schemas.createCoding, req.body);
    res.status(201).json(await service.createCoding(actor(req), req.params.projectId, req.params.documentId, body));
  });
  router.patch(`${base}/:documentId/codings/:codingId`, async (req, res) => {
    const body = parseBody(schemas.updateCoding, req.body);
    const { projectId, documentId, codingId } = req.params;
    res.json(await service.updateCoding(actor(req), projectId, documentId, codingId, body));
  });
  router.delete(`${base}/:documentId/codings/:codingId`, async (req, res) => {
    const { projectId, documentId, codingId } = req.params;
    await service.deleteCoding(actor(req), projectId, documentId, codingId, layerParameter(req.query.layer));
    res.status(204).end();
  });

  return router;
}
