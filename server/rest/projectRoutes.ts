import { Router } from 'express';
import type { CocodeService } from '../service';
import { actor } from './authenticate';
import type { RequestSchemas } from '../../shared/api/requests';
import { parseBody } from './validation';

export function projectRoutes(service: CocodeService, schemas: RequestSchemas) {
  const router = Router();

  router.get('/projects', async (req, res) => {
    res.json(await service.listProjects(actor(req)));
  });
  router.post('/projects', async (req, res) => {
    res.status(201).json(await service.createProject(actor(req), parseBody(schemas.createProject, req.body)));
  });
  router.get('/projects/:projectId', async (req, res) => {
    res.json(await service.getProject(actor(req), req.params.projectId));
  });
  router.patch('/projects/:projectId', async (req, res) => {
    res.json(await service.updateProject(actor(req), req.params.projectId, parseBody(schemas.updateProject, req.body)));
  });

  router.get('/projects/:projectId/members', async (req, res) => {
    res.json(await service.listMembers(actor(req), req.params.projectId));
  });
  router.post('/projects/:projectId/members', async (req, res) => {
    res.status(201).json(await service.addMember(actor(req), req.params.projectId, parseBody(schemas.addMember, req.body)));
  });
  router.patch('/projects/:projectId/members/:userId', async (req, res) => {
    const { role } = parseBody(schemas.updateMember, req.body);
    res.json(await service.updateMember(actor(req), req.params.projectId, req.params.userId, role));
  });
  router.delete('/projects/:projectId/members/:userId', async (req, res) => {
    await service.removeMember(actor(req), req.params.projectId, req.params.userId);
    res.status(204).end();
  });

  router.get('/projects/:projectId/codes', async (req, res) => {
    res.json(await service.listCodes(actor(req), req.params.projectId));
  });
  router.post('/projects/:projectId/codes', async (req, res) => {
    res.status(201).json(await service.createCode(actor(req), req.params.projectId, parseBody(schemas.createCode, req.body)));
  });
  router.patch('/projects/:projectId/codes/:codeId', async (req, res) => {
    const patch = parseBody(schemas.updateCode, req.body);
    res.json(await service.updateCode(actor(req), req.params.projectId, req.params.codeId, patch));
  });
  router.post('/projects/:projectId/codes/:codeId/merge', async (req, res) => {
    const { intoCodeId } = parseBody(schemas.mergeCode, req.body);
    res.json(await service.mergeCode(actor(req), req.params.projectId, req.params.codeId, intoCodeId));
  });
  router.get('/projects/:projectId/progress', async (req, res) => {
    res.json(await service.progress(actor(req), req.params.projectId));
  });
  router.delete('/projects/:projectId/codes/:codeId', async (req, res) => {
    await service.deleteCode(actor(req), req.params.projectId, req.params.codeId);
    res.status(204).end();
  });

  return router;
}
