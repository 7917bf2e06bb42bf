/**
 * Server-side access to the live collaborative documents. REST routes and the repair pass read
 * and write through the same Hocuspocus documents that websocket clients are connected to, so a
 * REST write reaches every open editor at once and goes through the durable log (SPEC D2).
 */
import type { Hocuspocus } from '@hocuspocus/server';
import type * as Y from 'yjs';

export class DocumentGateway {
  constructor(private readonly hocuspocus: Hocuspocus) {}

  async read<T>(documentName: string, reader: (doc: Y.Doc) => T | Promise<T>): Promise<T> {
    const connection = await this.hocuspocus.openDirectConnection(documentName, { server: true });
    try {
      return await reader(connection.document as Y.Doc);
    } finally {
      await connection.disconnect();
    }
  }

  /** Runs `writer` on the live document; resolves once the change is in the durable log. */
  async write<T>(documentName: string, writer: (doc: Y.Doc) => T): Promise<T> {
    const connection = await this.hocuspocus.openDirectConnection(documentName, { server: true });
    try {
      let result: T | undefined;
      await connection.transact((document) => {
        result = writer(document);
      });
      return result as T;
    } finally {
      await connection.disconnect();
    }
  }
}
