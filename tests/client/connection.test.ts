/** What the page says about a refused document, from the close events the server shares with it. */
import { describe, expect, it } from 'vitest';
import { refusalText } from '../../client/src/collab/connection';
import { closeCodes } from '../../shared/collab/closeCodes';

describe('refusal texts', () => {
  it('shows an access refusal’s reason without its kind', () => {
    expect(refusalText('forbidden: blind mode is on: other coders’ layers stay hidden')).toBe('blind mode is on: other coders’ layers stay hidden');
    expect(refusalText('unauthorized: missing or invalid credentials')).toBe('missing or invalid credentials');
  });

  it('puts the shared close events into words, and falls back to the event’s own reason', () => {
    expect(refusalText(closeCodes.tooManyConnections.reason)).toBe('too many people have this document open; try again later');
    expect(refusalText(closeCodes.brokenDocument.reason)).toContain('damaged');
    expect(refusalText(closeCodes.documentTooLarge.reason)).toBe('document too large');
  });

  it('never shows an empty reason', () => {
    expect(refusalText('')).toBe('access refused');
    expect(refusalText('forbidden: ')).toBe('access refused');
  });
});
