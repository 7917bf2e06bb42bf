/**
 * Refuses sync frames whose Yjs payload does not decode completely (SPEC H7), before Hocuspocus
 * applies them. Left to Hocuspocus, a broken update is logged, acknowledged as applied and, when
 * only its delete set is broken, integrated in part; here the sender's connection to the document
 * is closed with 4400 and nothing is applied. Runs for read-only connections too.
 */
import type { beforeHandleMessagePayload, Extension } from '@hocuspocus/server';
import { closeCodes } from '../../../shared/collab/closeCodes';
import { incomingUpdate } from '../incomingUpdates';
import type { Refusals } from '../refusals';

export class UpdateValidationExtension implements Extension {
  extensionName = 'cocode-update-validation';

  constructor(private readonly refusals: Refusals) {}

  async beforeHandleMessage({ documentName, update }: beforeHandleMessagePayload): Promise<void> {
    try {
      incomingUpdate(update);
    } catch (error) {
      this.refusals.record(closeCodes.malformedMessage, `frame for ${documentName}: ${String(error)}`);
      throw closeCodes.malformedMessage;
    }
  }
}
