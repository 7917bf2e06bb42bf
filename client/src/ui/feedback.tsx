/** How a form says what happened: a success in words, or the server's refusal as it came. */
import { ApiError } from '../api';

export type Feedback = { tone: 'ok' | 'error'; text: string } | null;

/** The message to show for a failed call: the server's own words (weak_password reasons, names of projects…). */
export function failureText(caught: unknown): string {
  if (caught instanceof ApiError) return caught.message;
  return caught instanceof Error ? caught.message : String(caught);
}

/** A failed call as the line to show under the form that made it. */
export function failureFeedback(caught: unknown): Feedback {
  return { tone: 'error', text: failureText(caught) };
}

export function FeedbackLine({ feedback }: { feedback: Feedback }) {
  if (!feedback) return null;
  return feedback.tone === 'ok' ? (
    <p className="form-ok" role="status">
      {feedback.text}
    </p>
  ) : (
    <p className="form-error" role="alert">
      {feedback.text}
    </p>
  );
}
