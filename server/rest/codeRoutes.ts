/** `/projects/:projectId/codes`: the codebook. */
import { Router } from 'express';
import type { RequestSchemas } from '../../shared/api/requests';
import type { Services } from '../services';
import { actor } from './authenticate';
import { parseBody } from './validation';

export function codeRoutes({ codebook }: Services, schemas: RequestSchemas) {
  const router = Router();
  const base = '/projects/:projectId/codes';
  router.get(base, async (req, res) => {
    res.json(await codebook.list(actor(req), req.params.projectId));
  });
  router.post(base, async (req, res) => {
    res.status(201).json(await codebook.create(actor(req), req.params.projectId, parseBody(schemas.createCode, req.body)));
  });
  router.patch(`${base}/:codeId`, async (req, res) => {
    const patch = parseBody(schemas.updateCode, req.body);
    res.json(await codebook.update(actor(req), req.params.projectId, req.params.codeId, patch));
  });
  router.post(`${base}/:codeId/merge`, async (req, res) => {
    const { intoCodeId } = parseBody(schemas.mergeCode, req.body);
    res.json(await codebook.merge(actor(req), req.params.projectId, req.params.codeId, intoCodeId));
  });
  router.delete(`${base}/:codeId`, async (req, res) => {
    await codebook.remove(actor(req), req.params.projectId, req.params.codeId);
    res.status(204).end();
  });
  return router;
}
