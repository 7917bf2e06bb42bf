/** The REST API under `/api`: one router per resource, behind body parsing and authentication. */
import express, { type RequestHandler } from 'express';
import { requestSchemas } from '../../shared/api/requests';
import type { CocodeConfig } from '../config';
import type { Services } from '../services';
import { agreementRoutes } from './agreementRoutes';
import { authRoutes } from './authRoutes';
import { codeRoutes } from './codeRoutes';
import { codingRoutes } from './codingRoutes';
import { documentRoutes } from './documentRoutes';
import { errorHandler, unknownRoute } from './errors';
import { exchangeRoutes } from './exchangeRoutes';
import { healthRoutes } from './healthRoutes';
import { memberRoutes } from './memberRoutes';
import { progressRoutes } from './progressRoutes';
import { projectRoutes } from './projectRoutes';
import { reconciliationRoutes } from './reconciliationRoutes';
import { roundRoutes } from './roundRoutes';
import { sameOriginWrites } from './sameOrigin';

export function restApi(services: Services, config: CocodeConfig, requireUser: RequestHandler, log: (message: string) => void) {
  const schemas = requestSchemas(config.limits);
  const api = express.Router();
  api.use(sameOriginWrites(config.publicOrigins));
  api.use(express.json({ limit: config.limits.restBodyBytes }));
  api.get('/health', (_req, res) => {
    res.json({ ok: true });
  });
  api.use(authRoutes(services, schemas, config.sessionTtlMs, requireUser));
  api.use(
    requireUser,
    exchangeRoutes(services, schemas, config.limits),
    projectRoutes(services, schemas),
    memberRoutes(services, schemas),
    codeRoutes(services, schemas),
    progressRoutes(services),
    documentRoutes(services, schemas),
    codingRoutes(services, schemas),
    healthRoutes(services),
    agreementRoutes(services),
    reconciliationRoutes(services, config.limits),
    roundRoutes(services, schemas),
  );
  api.use(unknownRoute);
  api.use(errorHandler(log));
  return api;
}
