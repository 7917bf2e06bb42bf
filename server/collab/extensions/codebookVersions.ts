/**
 * Websocket edits of a codebook become codebook versions (SPEC R4): each change made through a
 * connection (Hocuspocus or the y-websocket bridge) is handed, with the connection's user and the
 * codes right after it, to the codebook history, which gathers a burst into one version. Server-side
 * writes carry no connection context; their service records them with the REST caller as author.
 */
import type { Extension, onChangePayload } from '@hocuspocus/server';
import { parseDocumentName } from '../../../shared/collab/documentNames';
import { readCodes } from '../../../shared/collab/schema';
import type { CodebookHistoryService } from '../../services/codebookHistory';
import type { CollabContext } from '../context';

export class CodebookVersionsExtension implements Extension {
  extensionName = 'cocode-codebook-versions';
  private history: CodebookHistoryService | null = null;

  /** The history service is built after Hocuspocus, like the gateway it reads through. */
  attach(history: CodebookHistoryService): void {
    this.history = history;
  }

  async onChange({ documentName, document, context }: onChangePayload): Promise<void> {
    const name = parseDocumentName(documentName);
    const writer = (context as Partial<CollabContext> | undefined)?.user;
    if (name?.kind !== 'codebook' || !writer || !this.history) return;
    this.history.noteEdit(name.projectId, writer.id, readCodes(document));
  }

  async onDestroy(): Promise<void> {
    await this.history?.flush();
  }
}
