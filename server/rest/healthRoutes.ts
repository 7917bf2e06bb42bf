/** `GET /api/projects/:projectId/health` (owners, SPEC H9): broken stored documents and quarantined log rows. */
import { Router } from 'express';
import type { Services } from '../services';
import { actor } from './authenticate';

export function healthRoutes({ health }: Services) {
  const router = Router();
  router.get('/projects/:projectId/health', async (req, res) => {
    res.json(await health.report(actor(req), req.params.projectId));
  });
  return router;
}
