/** `GET /api/projects/:projectId/agreement`: the intercoder agreement report (see docs/api.md). */
import { Router } from 'express';
import type { Services } from '../services';
import { actor } from './authenticate';
import { parseAgreementQuery } from './validation';

export function agreementRoutes({ agreement }: Services) {
  const router = Router();
  router.get('/projects/:projectId/agreement', async (req, res) => {
    res.json(await agreement.report(actor(req), req.params.projectId, parseAgreementQuery(req.query)));
  });
  return router;
}
