/** `/projects` and `/projects/:projectId`: projects, their settings, and deleting one (SPEC E4). */
import { Router } from 'express';
import type { RequestSchemas } from '../../shared/api/requests';
import type { Services } from '../services';
import { actor } from './authenticate';
import { parseBody } from './validation';

export function projectRoutes({ projects }: Services, schemas: RequestSchemas) {
  const router = Router();
  router.get('/projects', async (req, res) => {
    res.json(await projects.list(actor(req)));
  });
  router.post('/projects', async (req, res) => {
    res.status(201).json(await projects.create(actor(req), parseBody(schemas.createProject, req.body)));
  });
  router.get('/projects/:projectId', async (req, res) => {
    res.json(await projects.get(actor(req), req.params.projectId));
  });
  router.patch('/projects/:projectId', async (req, res) => {
    res.json(await projects.update(actor(req), req.params.projectId, parseBody(schemas.updateProject, req.body)));
  });
  router.delete('/projects/:projectId', async (req, res) => {
    await projects.delete(actor(req), req.params.projectId, parseBody(schemas.deleteProject, req.body));
    res.status(204).end();
  });
  return router;
}
