/** What a round or reconciliation action did: a success in words, or the server's refusal as it came. */
export type Outcome = { tone: 'ok' | 'error'; text: string } | null;

export function failureOf(caught: unknown): Outcome {
  return { tone: 'error', text: caught instanceof Error ? caught.message : String(caught) };
}

export function OutcomeLine({ outcome }: { outcome: Outcome }) {
  if (!outcome) return null;
  return outcome.tone === 'ok' ? (
    <p className="form-ok" role="status">
      {outcome.text}
    </p>
  ) : (
    <p className="form-error" role="alert">
      {outcome.text}
    </p>
  );
}
