/**
 * What this browser keeps of a signed-in person, and its removal (SECURITY.md, "signed-out browser
 * user"): offline copies of their coding layers (IndexedDB, per user) and the recently used codes
 * (localStorage, code ids only). Everything cocode stores in the origin's storage starts with
 * `cocode:`, so it can be found and removed without knowing what wrote it.
 */
import { forgetEverythingLocal, keepOfflineCachesOf } from './collab/connection';

const storagePrefix = 'cocode:';

function clearStorage(storage: Storage): void {
  const keys: string[] = [];
  for (let index = 0; index < storage.length; index += 1) {
    const key = storage.key(index);
    if (key?.startsWith(storagePrefix)) keys.push(key);
  }
  for (const key of keys) storage.removeItem(key);
}

/** Sign-out, or a page that starts signed out: nothing of anyone stays. */
export async function forgetLocalData(): Promise<void> {
  clearStorage(localStorage);
  clearStorage(sessionStorage);
  await forgetEverythingLocal();
}

/** Someone signed in: only their own offline copies may stay (an earlier person's are deleted). */
export function keepLocalDataOf(userId: string): Promise<void> {
  return keepOfflineCachesOf(userId);
}
