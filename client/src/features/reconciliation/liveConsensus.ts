/**
 * The consensus document of one transcript, opened live for the navigator: who is working on which
 * passage (claims, written by the server only), and a signal whenever another adjudicator's
 * decision or auto-merge lands, so the list is fetched again rather than going stale.
 */
import { useEffect, useRef, useState } from 'react';
import { documentNames } from '../../../../shared/collab/documentNames';
import { observeClaims, readClaims, type StoredClaim } from '../../../../shared/collab/schema';
import { openDocument } from '../../collab/connection';

/** Bursts of updates (an auto-merge writes many entries) trigger one reload. */
const reloadDebounceMs = 250;

export function useLiveConsensus(documentId: string | null, onChanged: () => void): { claims: StoredClaim[]; refused: string | null } {
  const [claims, setClaims] = useState<StoredClaim[]>([]);
  const [refused, setRefused] = useState<string | null>(null);
  const changed = useRef(onChanged);
  changed.current = onChanged;
  useEffect(() => {
    if (documentId === null) return;
    const consensus = openDocument(documentNames.consensus(documentId));
    const showClaims = () => setClaims(readClaims(consensus.doc));
    const stopClaims = observeClaims(consensus.doc, showClaims);
    let timer: ReturnType<typeof setTimeout> | undefined;
    let synced = false;
    const onUpdate = () => {
      // The first sync is the state the list was fetched from; only later updates are news.
      if (!synced) return;
      clearTimeout(timer);
      timer = setTimeout(() => changed.current(), reloadDebounceMs);
    };
    consensus.doc.on('update', onUpdate);
    consensus.whenSynced.then(() => {
      synced = true;
      showClaims();
    });
    const stopState = consensus.subscribe(() => setRefused(consensus.state().refused));
    return () => {
      clearTimeout(timer);
      stopClaims();
      stopState();
      consensus.doc.off('update', onUpdate);
      void consensus.close();
    };
  }, [documentId]);
  return { claims, refused };
}

/** Claims that have not lapsed, by passage. */
export function liveClaimsByPassage(claims: readonly StoredClaim[], now: number): Map<string, StoredClaim> {
  return new Map(claims.filter((claim) => Date.parse(claim.expiresAt) > now).map((claim) => [claim.disagreementId, claim]));
}
