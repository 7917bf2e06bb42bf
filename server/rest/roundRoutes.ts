/**
 * `/projects/:projectId/rounds`: calibration rounds and their history; `/codebook/versions` and
 * `/codes/:codeId/history`: the versioned codebook (see docs/api.md, SPEC R1–R4).
 */
import { Router } from 'express';
import type { RequestSchemas } from '../../shared/api/requests';
import { invalid } from '../errors';
import type { Services } from '../services';
import { actor } from './authenticate';
import { parseAgreementQuery, parseBody } from './validation';

/** A codebook version id from the path or query; `name` says which parameter was wrong. */
function versionId(value: unknown, name: string): number {
  const parsed = Number(value);
  if (typeof value !== 'string' || !/^\d{1,15}$/.test(value) || !Number.isSafeInteger(parsed))
    throw invalid(`${name}: a codebook version is a whole number`, 'invalid_parameter');
  return parsed;
}

export function roundRoutes({ rounds, codebookHistory }: Services, schemas: RequestSchemas) {
  const router = Router();
  const base = '/projects/:projectId/rounds';
  router.post(base, async (req, res) => {
    res.status(201).json(await rounds.create(actor(req), req.params.projectId, parseBody(schemas.createRound, req.body)));
  });
  router.get(base, async (req, res) => {
    res.json(await rounds.list(actor(req), req.params.projectId));
  });
  router.get(`${base}/history`, async (req, res) => {
    // Only the resampling and grouping apply: each round brings its own unit, transcripts and coders.
    const { bootstrap, seed, groupBy } = req.query;
    const { bootstrap: draws, groupBy: group } = parseAgreementQuery({ bootstrap, seed, groupBy });
    res.json(await rounds.history(actor(req), req.params.projectId, { bootstrap: draws, groupBy: group }));
  });
  router.get(`${base}/:roundId`, async (req, res) => {
    res.json(await rounds.get(actor(req), req.params.projectId, req.params.roundId));
  });
  router.post(`${base}/:roundId/submit`, async (req, res) => {
    res.json(await rounds.submit(actor(req), req.params.projectId, req.params.roundId, parseBody(schemas.submitRound, req.body)));
  });
  router.post(`${base}/:roundId/close`, async (req, res) => {
    res.json(await rounds.close(actor(req), req.params.projectId, req.params.roundId, parseBody(schemas.closeRound, req.body)));
  });
  router.post(`${base}/:roundId/reveal`, async (req, res) => {
    res.json(await rounds.reveal(actor(req), req.params.projectId, req.params.roundId, parseBody(schemas.revealRound, req.body)));
  });

  router.get('/projects/:projectId/codebook/versions', async (req, res) => {
    res.json(await codebookHistory.versions(actor(req), req.params.projectId));
  });
  router.get('/projects/:projectId/codebook/versions/:versionId/diff', async (req, res) => {
    const from = req.query.from === undefined ? undefined : versionId(req.query.from, 'from');
    res.json(await codebookHistory.diff(actor(req), req.params.projectId, versionId(req.params.versionId, 'version'), from));
  });
  router.get('/projects/:projectId/codes/:codeId/history', async (req, res) => {
    res.json(await codebookHistory.codeHistory(actor(req), req.params.projectId, req.params.codeId));
  });
  return router;
}
