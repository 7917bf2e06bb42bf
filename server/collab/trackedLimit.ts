/**
 * A per-document quantity (bytes, codings, characters) that incoming updates must keep within a
 * cap, decided before the update is applied.
 *
 * Measuring exactly costs a pass over the whole document, too much for every keystroke. So the
 * tracker keeps the last exact value plus an upper bound of what the updates admitted since can
 * have added, and measures exactly (on a copy, with the update) only when that sum would pass the
 * cap: far from the cap a check costs only the bound, near it the decision is still exact.
 *
 * Hocuspocus does not serialise a socket's frames: several frames read from one network chunk can
 * all pass their checks before the first is applied, and an awaited durable log (PostgreSQL) puts a
 * database round trip between check and apply. Each admitted update is therefore counted at once
 * and kept "in flight" for a while, so an exact measurement includes admitted updates that may not
 * be applied yet. Keeping one longer than needed costs nothing but time: applying an update twice
 * to the measuring copy changes nothing.
 */
import { Connection } from '@hocuspocus/server';
import type * as Y from 'yjs';

/** Longer than an admitted update waits for its apply (a durable append included). */
const inFlightMs = 2_000;

interface Known {
  /**
   * Exact value at the last measurement plus the bounds of updates admitted since; null after a
   * write that did not pass through `admits`.
   */
  value: number | null;
  inFlight: Uint8Array[];
}

export class TrackedLimit {
  private readonly known = new WeakMap<Y.Doc, Known>();

  constructor(
    readonly max: number,
    /** The exact quantity `doc` would have with `updates` applied, without changing `doc`. */
    private readonly measure: (doc: Y.Doc, updates: Uint8Array[]) => number,
  ) {}

  /**
   * Whether `update`, which adds at most `bound`, keeps `doc` within the cap (or at least does not
   * grow it); an admitted update is counted at once. `value` is what the decision was based on.
   */
  admits(doc: Y.Doc, update: Uint8Array, bound: number): { admitted: boolean; value: number } {
    let known = this.known.get(doc);
    if (!known) {
      known = { value: null, inFlight: [] };
      this.known.set(doc, known);
    }
    known.value ??= this.measure(doc, known.inFlight);
    if (known.value + bound <= this.max) {
      known.value += bound;
    } else {
      // The bound counts overwrites and repeated content as growth; decide on the exact value.
      // A document already past the cap (the cap was lowered) may still shrink.
      const exact = this.measure(doc, [...known.inFlight, update]);
      if (exact > this.max && exact > this.measure(doc, known.inFlight)) return { admitted: false, value: exact };
      known.value = exact;
    }
    const { inFlight } = known;
    inFlight.push(update);
    setTimeout(() => inFlight.shift(), inFlightMs).unref();
    return { admitted: true, value: known.value };
  }

  /**
   * Keeps the tracked value honest for writes that did not pass `admits` (REST, the repair pass):
   * the next check measures again.
   */
  watch(doc: Y.Doc): void {
    doc.on('update', (_update: Uint8Array, origin: unknown) => {
      const known = this.known.get(doc);
      if (known && !(origin instanceof Connection)) known.value = null;
    });
  }
}
