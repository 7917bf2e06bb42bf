/**
 * Who else has a collaborative document open, from the provider's awareness. Every client
 * publishes only its id and name here, never a selection, so presence reveals nothing in blind mode.
 */
import { useEffect, useState } from 'react';
import type { Awareness } from 'y-protocols/awareness';
import { personColour, useSession } from '../session';
import { Avatar } from './parts';

interface PresentUser {
  id: string;
  name: string;
}

export function Presence({ awareness, place }: { awareness: Awareness | null | undefined; place: string }) {
  const { user } = useSession();
  const [people, setPeople] = useState<PresentUser[]>([]);
  useEffect(() => {
    if (!awareness) return;
    awareness.setLocalStateField('user', { id: user.id, name: user.name, color: personColour(user.id) });
    const update = () => {
      const seen = new Map<string, PresentUser>();
      for (const [clientId, state] of awareness.getStates()) {
        const person = (state as { user?: { id?: string; name?: string } }).user;
        if (clientId === awareness.clientID || !person?.id || person.id === user.id) continue;
        seen.set(person.id, { id: person.id, name: person.name ?? 'Someone' });
      }
      setPeople([...seen.values()]);
    };
    update();
    awareness.on('change', update);
    return () => awareness.off('change', update);
  }, [awareness, user]);
  return (
    <div className="presence">
      <span className="visually-hidden">
        {people.length === 0 ? `Nobody else has this ${place} open.` : `Also here: ${people.map((p) => p.name).join(', ')}.`}
      </span>
      {people.length === 0 ? (
        <span className="muted small">Only you are here</span>
      ) : (
        <>
          <span className="muted small">Also here</span>
          {people.map((person) => (
            <Avatar key={person.id} userId={person.id} name={person.name} />
          ))}
        </>
      )}
    </div>
  );
}
