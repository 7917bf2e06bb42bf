import { createContext, useContext } from 'react';
import type { User } from '../../shared/api/responses';

export interface Session {
  user: User;
  signOut: () => void;
  /** The account was deleted: forget everything local and go to sign-in. */
  accountEnded: () => void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in screen');
  return session;
}

/** A stable, readable colour per person for presence avatars and layer legends. */
const personColours = ['#b5476b', '#2f7f6f', '#7a5bb5', '#c0662a', '#2f6fb3', '#8a7a1c', '#a34242', '#3c7f3c'];

export function personColour(userId: string): string {
  let hash = 0;
  for (const char of userId) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return personColours[hash % personColours.length];
}

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) return '?';
  return (parts[0][0] + (parts.length > 1 ? parts[parts.length - 1][0] : '')).toUpperCase();
}
