/**
 * `GET /api/projects/:projectId/health` (owner-only, SPEC H9): which of the project's stored
 * documents failed validation on load and which log rows were quarantined (D4). Every document of
 * the project is opened first, so the report covers them all, not only those opened since start.
 */
import { Router } from 'express';
import type { DurableLogExtension } from '../collab/extensions/durableLog';
import type { CocodeService } from '../service';
import { actor } from './authenticate';

export function healthRoutes(service: CocodeService, durableLog: DurableLogExtension) {
  const router = Router();

  router.get('/projects/:projectId/health', async (req, res) => {
    const checked = await service.checkProjectDocuments(actor(req), req.params.projectId);
    const brokenDocuments = checked.flatMap(({ documentName, error }) => {
      const broken = durableLog.brokenDocuments.get(documentName);
      if (broken) return [broken];
      // A document that could not be opened for another reason is broken all the same.
      return error === null ? [] : [{ documentName, problem: `cannot be opened: ${error}` }];
    });
    const names = new Set(checked.map(({ documentName }) => documentName));
    const quarantinedUpdates = durableLog.quarantined.filter((entry) => names.has(entry.documentName));
    res.json({ brokenDocuments, quarantinedUpdates });
  });

  return router;
}
