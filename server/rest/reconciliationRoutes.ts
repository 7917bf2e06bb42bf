/**
 * Reconciliation (SPEC Q1–Q5, docs/api.md): `/projects/:projectId/documents/:documentId/disagreements`
 * with claims and decisions, `…/decisions` (the trail, JSON or CSV), `…/automerge` (preview, apply,
 * undo) and `/projects/:projectId/rounds/:roundId/automerge` for a whole round.
 */
import { Router } from 'express';
import { type ReconcileScope, reconciliationSchemas } from '../../shared/api/reconciliation';
import type { Limits } from '../config';
import { invalid } from '../errors';
import type { Services } from '../services';
import { actor } from './authenticate';
import { parseBody } from './validation';

const idPattern = /^[A-Za-z0-9_-]{1,100}$/;

/** `?coders=a,b` or `?round=<id>` (every route of one transcript takes the same scope). */
function scopeOf(query: Record<string, unknown>): ReconcileScope {
  const { coders, round } = query;
  const scope: ReconcileScope = {};
  if (round !== undefined) {
    if (typeof round !== 'string' || !idPattern.test(round)) throw invalid('round must be a round id', 'invalid_parameter');
    scope.roundId = round;
  }
  if (coders !== undefined) {
    if (typeof coders !== 'string') throw invalid('coders must be user ids separated by commas, given once', 'invalid_parameter');
    const ids = coders.split(',').map((id) => id.trim());
    if (ids.length > 100 || !ids.every((id) => idPattern.test(id))) throw invalid('coders must be at most 100 user ids separated by commas', 'invalid_parameter');
    scope.coders = ids;
  }
  return scope;
}

export function reconciliationRoutes({ reconciliation }: Services, limits: Limits) {
  const schemas = reconciliationSchemas(limits);
  const router = Router();
  const document = '/projects/:projectId/documents/:documentId';
  const disagreement = `${document}/disagreements/:disagreementId`;

  router.get(`${document}/disagreements`, async (req, res) => {
    res.json(await reconciliation.disagreements(actor(req), req.params.projectId, req.params.documentId, scopeOf(req.query)));
  });
  router.post(`${disagreement}/claim`, async (req, res) => {
    const { projectId, documentId, disagreementId } = req.params;
    res.json(await reconciliation.claim(actor(req), projectId, documentId, disagreementId, scopeOf(req.query)));
  });
  router.delete(`${disagreement}/claim`, async (req, res) => {
    const { projectId, documentId, disagreementId } = req.params;
    await reconciliation.release(actor(req), projectId, documentId, disagreementId);
    res.status(204).end();
  });
  router.post(`${disagreement}/decision`, async (req, res) => {
    const { projectId, documentId, disagreementId } = req.params;
    const body = parseBody(schemas.decide, req.body);
    res.status(201).json(await reconciliation.decide(actor(req), projectId, documentId, disagreementId, scopeOf(req.query), body));
  });
  router.get(`${document}/decisions`, async (req, res) => {
    const format = req.query.format ?? 'json';
    if (format !== 'json' && format !== 'csv') throw invalid('format must be json or csv', 'invalid_parameter');
    const { projectId, documentId } = req.params;
    if (format === 'json') {
      res.json(await reconciliation.decisions(actor(req), projectId, documentId));
      return;
    }
    const csv = await reconciliation.decisionsCsv(actor(req), projectId, documentId);
    res.type('text/csv; charset=utf-8').attachment(`decisions-${documentId}.csv`).send(csv);
  });
  router.post(`${document}/automerge/preview`, async (req, res) => {
    const body = parseBody(schemas.autoMergePreview, req.body);
    res.json(await reconciliation.previewAutoMerge(actor(req), req.params.projectId, req.params.documentId, scopeOf(req.query), body.agreedOverlapRatioMin));
  });
  router.post(`${document}/automerge`, async (req, res) => {
    const body = parseBody(schemas.autoMergeApply, req.body);
    res.status(201).json(await reconciliation.applyAutoMerge(actor(req), req.params.projectId, req.params.documentId, scopeOf(req.query), body));
  });
  router.post(`${document}/automerge/:mergeId/undo`, async (req, res) => {
    const { projectId, documentId, mergeId } = req.params;
    res.json(await reconciliation.undoAutoMerge(actor(req), projectId, documentId, mergeId));
  });
  router.post('/projects/:projectId/rounds/:roundId/automerge/preview', async (req, res) => {
    const body = parseBody(schemas.autoMergePreview, req.body);
    res.json(await reconciliation.previewRoundAutoMerge(actor(req), req.params.projectId, req.params.roundId, body.agreedOverlapRatioMin));
  });
  router.post('/projects/:projectId/rounds/:roundId/automerge', async (req, res) => {
    const body = parseBody(schemas.roundAutoMergeApply, req.body);
    res.status(201).json(await reconciliation.applyRoundAutoMerge(actor(req), req.params.projectId, req.params.roundId, body));
  });
  return router;
}
