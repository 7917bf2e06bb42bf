import { Router } from 'express';
import type { UnitSpec } from '../../shared/agreement/segments/units';
import type { CocodeService } from '../service';
import { actor } from './authenticate';
import { badRequest } from './errors';

const maxBootstrapDraws = 10_000;

function listParameter(value: unknown, name: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0) throw badRequest(`${name} must be a comma-separated list of ids`, 'invalid_parameter');
  return value.split(',').map((id) => id.trim());
}

function integerParameter(value: unknown, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (typeof value !== 'string' || !Number.isInteger(parsed) || parsed < min || parsed > max)
    throw badRequest(`${name} must be a whole number from ${min} to ${max}`, 'invalid_parameter');
  return parsed;
}

function unitParameter(kind: unknown, size: unknown): UnitSpec {
  if (kind === undefined || kind === 'turn') return { kind: 'turn' };
  if (kind === 'sentence' || kind === 'paragraph' || kind === 'document') return { kind };
  if (kind === 'window') return { kind: 'window', size: integerParameter(size ?? '500', 'size', 10, 1_000_000) as number };
  throw badRequest('unit must be one of turn, sentence, paragraph, window, document', 'invalid_parameter');
}

/** `GET /api/projects/:projectId/agreement`: the intercoder agreement report (see docs/api.md). */
export function agreementRoutes(service: CocodeService) {
  const router = Router();
  router.get('/projects/:projectId/agreement', async (req, res) => {
    const draws = integerParameter(req.query.bootstrap, 'bootstrap', 100, maxBootstrapDraws);
    const seed = integerParameter(req.query.seed, 'seed', 0, 2 ** 31 - 1) ?? 1;
    const groupBy = req.query.groupBy;
    if (groupBy !== undefined && (typeof groupBy !== 'string' || groupBy.length > 100))
      throw badRequest('groupBy must be a participant attribute name', 'invalid_parameter');
    res.json(
      await service.agreement(actor(req), req.params.projectId, {
        unit: unitParameter(req.query.unit, req.query.size),
        documentIds: listParameter(req.query.documents, 'documents'),
        coderIds: listParameter(req.query.coders, 'coders'),
        groupBy,
        bootstrap: draws === undefined ? undefined : { draws, seed },
      }),
    );
  });
  return router;
}
