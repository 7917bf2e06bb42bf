/** `/projects/:projectId/members`: members, their roles and invitations. */
import { Router } from 'express';
import type { RequestSchemas } from '../../shared/api/requests';
import type { Services } from '../services';
import { actor } from './authenticate';
import { parseBody } from './validation';

export function memberRoutes({ projects }: Services, schemas: RequestSchemas) {
  const router = Router();
  const base = '/projects/:projectId/members';
  router.get(base, async (req, res) => {
    res.json(await projects.listMembers(actor(req), req.params.projectId));
  });
  router.post(base, async (req, res) => {
    res.status(201).json(await projects.addMember(actor(req), req.params.projectId, parseBody(schemas.addMember, req.body)));
  });
  router.patch(`${base}/:userId`, async (req, res) => {
    const { role } = parseBody(schemas.updateMember, req.body);
    res.json(await projects.updateMember(actor(req), req.params.projectId, req.params.userId, role));
  });
  router.delete(`${base}/:userId`, async (req, res) => {
    await projects.removeMember(actor(req), req.params.projectId, req.params.userId);
    res.status(204).end();
  });
  /** The caller's own membership: acknowledge the notice of being added, or leave (SPEC A8). */
  router.post('/projects/:projectId/membership/acknowledge', async (req, res) => {
    await projects.acknowledge(actor(req), req.params.projectId);
    res.status(204).end();
  });
  router.delete('/projects/:projectId/membership', async (req, res) => {
    await projects.leave(actor(req), req.params.projectId);
    res.status(204).end();
  });
  return router;
}
