/**
 * Every refusal of hostile or over-limit input is logged once, with what was refused, and counted
 * by close code, so an operator (and the tests) can see how often each limit bites (SPEC H8).
 */
import type { CloseEvent } from '../../shared/collab/closeCodes';

export class Refusals {
  private readonly counts = new Map<number, number>();

  constructor(private readonly log: (message: string) => void) {}

  record(event: CloseEvent, detail: string): void {
    this.counts.set(event.code, this.count(event) + 1);
    this.log(`refused (${event.code} ${event.reason}): ${detail}`);
  }

  count(event: CloseEvent): number {
    return this.counts.get(event.code) ?? 0;
  }
}
