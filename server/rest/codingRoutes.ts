/** `/projects/:projectId/documents/:documentId/codings`: codings in layers. */
import { Router } from 'express';
import { consensusLayerId, type WritableLayer } from '../../shared/collab/layers';
import type { RequestSchemas } from '../../shared/api/requests';
import { invalid } from '../errors';
import type { Services } from '../services';
import { actor } from './authenticate';
import { parseBody } from './validation';

function writableLayerParameter(value: unknown): WritableLayer {
  if (value === undefined || value === 'me') return 'me';
  if (value === consensusLayerId) return consensusLayerId;
  throw invalid(`layer must be "me" or "${consensusLayerId}"`, 'invalid_layer');
}

export function codingRoutes({ codings }: Services, schemas: RequestSchemas) {
  const router = Router();
  const base = '/projects/:projectId/documents/:documentId/codings';
  router.get(base, async (req, res) => {
    const layer = req.query.layer ?? 'me';
    if (typeof layer !== 'string' || layer.length === 0 || layer.length > 100)
      throw invalid(`layer must be "me", "${consensusLayerId}", "all" or a user id`, 'invalid_layer');
    res.json(await codings.list(actor(req), req.params.projectId, req.params.documentId, layer));
  });
  router.post(base, async (req, res) => {
    const body = parseBody(schemas.createCoding, req.body);
    res.status(201).json(await codings.create(actor(req), req.params.projectId, req.params.documentId, body));
  });
  router.patch(`${base}/:codingId`, async (req, res) => {
    const body = parseBody(schemas.updateCoding, req.body);
    const { projectId, documentId, codingId } = req.params;
    res.json(await codings.update(actor(req), projectId, documentId, codingId, body));
  });
  router.delete(`${base}/:codingId`, async (req, res) => {
    const { projectId, documentId, codingId } = req.params;
    await codings.remove(actor(req), projectId, documentId, codingId, writableLayerParameter(req.query.layer));
    res.status(204).end();
  });
  return router;
}
