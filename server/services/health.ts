/**
 * The owner's health report of a project (SPEC H9, D4): every collaborative document of the
 * project is opened, which validates it on load, and the report lists the documents that failed
 * and the log rows that were quarantined.
 */
import type { ProjectHealth } from '../../shared/api/responses';
import { anchorsDecode } from '../../shared/collab/codings';
import { documentNames } from '../../shared/collab/documentNames';
import { readCodings } from '../../shared/collab/schema';
import type { UserRecord } from '../storage/types';
import type { AccessService } from './access';
import type { ServiceContext } from './context';
import { projectLayers } from './documents';

/** What the durable log knows of stored documents that did not load cleanly. */
export interface StoredDocumentProblems {
  readonly brokenDocuments: ReadonlyMap<string, { documentName: string; problem: string }>;
  readonly quarantined: readonly { documentName: string; logId: number; error: string }[];
}

export class HealthService {
  constructor(
    private readonly context: ServiceContext,
    private readonly access: AccessService,
    private readonly problems: StoredDocumentProblems,
  ) {}

  async report(actor: UserRecord, projectId: string): Promise<ProjectHealth> {
    await this.access.authorize(actor, projectId, 'project-settings', 'write');
    const transcripts = (await this.context.store.listDocuments(projectId)).map((document) => documentNames.transcript(document.id));
    const layers = (await projectLayers(this.context, projectId)).map((layer) => layer.name);
    const names = [documentNames.codebook(projectId), ...transcripts, ...layers];
    const brokenDocuments: ProjectHealth['brokenDocuments'] = [];
    for (const documentName of names) {
      let openError: string | null = null;
      try {
        await this.context.gateway.read(documentName, () => undefined);
      } catch (error) {
        openError = String(error);
      }
      const broken = this.problems.brokenDocuments.get(documentName);
      // A document that could not be opened for another reason is broken all the same.
      if (broken) brokenDocuments.push({ documentName: broken.documentName, problem: broken.problem });
      else if (openError !== null) brokenDocuments.push({ documentName, problem: `cannot be opened: ${openError}` });
    }
    const invalidCodings: ProjectHealth['invalidCodings'] = [];
    for (const documentName of layers) {
      if (brokenDocuments.some((broken) => broken.documentName === documentName)) continue;
      const invalid = await this.context.gateway.read(documentName, (doc) => readCodings(doc).filter((coding) => !anchorsDecode(coding)));
      for (const coding of invalid) invalidCodings.push({ documentName, codingId: coding.id, problem: 'its anchors do not decode' });
    }
    const inProject = new Set(names);
    const quarantinedUpdates = this.problems.quarantined
      .filter((entry) => inProject.has(entry.documentName))
      .map(({ documentName, logId, error }) => ({ documentName, logId, error }));
    return { brokenDocuments, quarantinedUpdates, invalidCodings };
  }
}
