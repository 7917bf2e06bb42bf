import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { ApiError } from './api';
import { type ConnectionSummary, connectionSummary, subscribeConnection } from './collab/connection';

export interface AsyncState<T> {
  data: T | null;
  error: ApiError | null;
  loading: boolean;
  reload: () => void;
}

/** Loads data for a screen; `reload` re-runs the loader (after a change the screen made itself). */
export function useAsync<T>(load: () => Promise<T>, deps: unknown[]): AsyncState<T> {
  const [state, setState] = useState<{ data: T | null; error: ApiError | null; loading: boolean }>({
    data: null,
    error: null,
    loading: true,
  });
  const [generation, setGeneration] = useState(0);
  // The caller lists the loader's inputs in deps.
  useEffect(() => {
    let cancelled = false;
    setState((previous) => ({ ...previous, loading: true }));
    load().then(
      (data) => !cancelled && setState({ data, error: null, loading: false }),
      (error: unknown) =>
        !cancelled &&
        setState({
          data: null,
          error: error instanceof ApiError ? error : new ApiError(0, 'error', String(error)),
          loading: false,
        }),
    );
    return () => {
      cancelled = true;
    };
  }, [...deps, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { ...state, reload };
}

let cachedSummary: ConnectionSummary | null = null;
const summaryKey = (summary: ConnectionSummary) => `${summary.label}|${summary.detail}`;

function readSummary(): ConnectionSummary {
  const next = connectionSummary();
  if (!cachedSummary || summaryKey(cachedSummary) !== summaryKey(next)) cachedSummary = next;
  return cachedSummary;
}

export function useConnectionSummary(): ConnectionSummary {
  return useSyncExternalStore(subscribeConnection, readSummary);
}
