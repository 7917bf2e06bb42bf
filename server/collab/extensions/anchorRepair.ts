/**
 * Re-anchors codings after transcript edits (SPEC C3). Runs in the process that holds the
 * transcript, debounced per transcript so a burst of typing triggers one pass.
 */
import type { Extension, onChangePayload } from '@hocuspocus/server';
import { planAnchorRepairs } from '../../../shared/collab/anchorRepair';
import { documentNames, parseDocumentName } from '../../../shared/collab/documentNames';
import { patchCoding, readCodings } from '../../../shared/collab/schema';
import { TranscriptIndex } from '../../../shared/collab/transcriptIndex';
import type { RelationalStore } from '../../storage/types';
import type { DocumentGateway } from '../gateway';

export class AnchorRepairExtension implements Extension {
  extensionName = 'cocode-anchor-repair';
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private running: Promise<void> = Promise.resolve();
  private gateway: DocumentGateway | null = null;

  constructor(
    private readonly store: RelationalStore,
    private readonly debounceMs: number,
    private readonly log: (message: string) => void,
  ) {}

  /** The gateway needs the Hocuspocus instance, which is created after its extensions. */
  attach(gateway: DocumentGateway): void {
    this.gateway = gateway;
  }

  async onChange({ documentName }: onChangePayload): Promise<void> {
    const name = parseDocumentName(documentName);
    if (name?.kind !== 'transcript') return;
    clearTimeout(this.timers.get(name.documentId));
    this.timers.set(
      name.documentId,
      setTimeout(() => {
        this.timers.delete(name.documentId);
        // Passes run one after another so two never write the same layer concurrently.
        this.schedule(name.documentId);
      }, this.debounceMs),
    );
  }

  /** Waits until every scheduled repair has run (used on shutdown and by tests). */
  async flush(): Promise<void> {
    for (const [documentId, timer] of this.timers) {
      clearTimeout(timer);
      this.timers.delete(documentId);
      this.schedule(documentId);
    }
    await this.running;
  }

  private schedule(documentId: string): void {
    this.running = this.running.then(async () => {
      try {
        await this.repairDocument(documentId);
      } catch (error) {
        this.log(`anchor repair of ${documentId} failed: ${String(error)}`);
      }
    });
  }

  async onDestroy(): Promise<void> {
    await this.flush();
  }

  async repairDocument(documentId: string): Promise<number> {
    const gateway = this.gateway;
    const record = await this.store.getDocument(documentId);
    if (!gateway || !record) return 0;
    const members = await this.store.listMembers(record.projectId);
    const layers = [
      ...members.map((member) => documentNames.layer(documentId, member.userId)),
      documentNames.consensus(documentId),
    ];
    let repaired = 0;
    await gateway.read(documentNames.transcript(documentId), async (transcript) => {
      const index = new TranscriptIndex(transcript);
      for (const layer of layers) {
        // Plan and apply in one synchronous step so no concurrent coding edit falls in between.
        const plan = await gateway.write(layer, (doc) => {
          const steps = planAnchorRepairs(index, readCodings(doc));
          doc.transact(() => {
            for (const step of steps) patchCoding(doc, step.codingId, step.patch);
          });
          return steps;
        });
        repaired += plan.filter((step) => step.kind !== 'refresh').length;
      }
    });
    return repaired;
  }
}
