/**
 * How a round's documents are read: a closed round's from the states it froze (SPEC R1), so its
 * numbers and passages never move; an open round's, and any other scope's, from the live documents.
 */
import * as Y from 'yjs';
import type { RoundRecord } from '../storage/types';
import type { ServiceContext } from './context';

/** Reads one document by name: the live document, or a closed round's frozen copy. */
export type DocumentReader = <T>(documentName: string, read: (doc: Y.Doc) => T | Promise<T>) => Promise<T>;

export async function documentReaderFor(context: ServiceContext, round: RoundRecord | null): Promise<DocumentReader> {
  if (round === null || round.closedAt === null) return (name, read) => context.gateway.read(name, read);
  const frozen = new Map((await context.store.getFrozenStates(round.id)).map((entry) => [entry.documentName, entry.state]));
  return async (name, read) => {
    const doc = new Y.Doc({ gc: false });
    const state = frozen.get(name);
    if (state) Y.applyUpdate(doc, state);
    try {
      return await read(doc);
    } finally {
      doc.destroy();
    }
  };
}
