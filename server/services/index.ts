/** The application's domain services, one per domain, built once per server from one context. */
import { AccessService } from './access';
import { AccountService } from './accounts';
import { AgreementService } from './agreement';
import { CodebookService } from './codebook';
import { CodebookHistoryService } from './codebookHistory';
import { CodingService } from './codings';
import type { ServiceContext } from './context';
import { DocumentService } from './documents';
import { ExchangeService } from './exchange';
import { HealthService, type StoredDocumentProblems } from './health';
import { ProjectService } from './projects';
import { ReconciliationService } from './reconciliation';
import { RoundService } from './rounds';

export interface Services {
  access: AccessService;
  accounts: AccountService;
  projects: ProjectService;
  codebook: CodebookService;
  codebookHistory: CodebookHistoryService;
  rounds: RoundService;
  documents: DocumentService;
  codings: CodingService;
  agreement: AgreementService;
  health: HealthService;
  exchange: ExchangeService;
  reconciliation: ReconciliationService;
}

export function createServices(context: ServiceContext, problems: StoredDocumentProblems): Services {
  const access = new AccessService(context.store);
  const codebookHistory = new CodebookHistoryService(context, access);
  const codebook = new CodebookService(context, access, codebookHistory);
  const projects = new ProjectService(context, access, codebookHistory);
  const documents = new DocumentService(context, access);
  const codings = new CodingService(context, access, codebook);
  const agreement = new AgreementService(context, access);
  return {
    access,
    accounts: new AccountService(context),
    projects,
    codebook,
    codebookHistory,
    rounds: new RoundService(context, access, codebookHistory, agreement),
    documents,
    codings,
    agreement,
    health: new HealthService(context, access, problems),
    exchange: new ExchangeService(context, access, { projects, codebook, documents, codings }),
    reconciliation: new ReconciliationService(context, access, codebook, agreement),
  };
}
