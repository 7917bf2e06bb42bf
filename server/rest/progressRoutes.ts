/** `/projects/:projectId/progress`: codings per transcript and layer (counts, never content). */
import { Router } from 'express';
import type { Services } from '../services';
import { actor } from './authenticate';

export function progressRoutes({ codings }: Services) {
  const router = Router();
  router.get('/projects/:projectId/progress', async (req, res) => {
    res.json(await codings.progress(actor(req), req.params.projectId));
  });
  return router;
}
