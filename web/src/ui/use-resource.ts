// Loads something for a screen: pending, then the data or the error; reload() and set() for
// screens that change what they loaded. A newer load wins over an older one still in flight.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { toApiError, type ApiError } from '../api/errors.js';

export interface Resource<T> {
  data: T | undefined;
  error: ApiError | null;
  loading: boolean;
  reload: () => void;
  set: (update: T | ((current: T | undefined) => T)) => void;
}

export function useResource<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): Resource<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  const [round, setRound] = useState(0);
  const latest = useRef(0);

  useEffect(() => {
    const controller = new AbortController();
    const ticket = ++latest.current;
    setLoading(true);
    load(controller.signal).then(
      (value) => {
        if (ticket !== latest.current) return;
        setData(value);
        setError(null);
        setLoading(false);
      },
      (err: unknown) => {
        if (ticket !== latest.current || controller.signal.aborted) return;
        setError(toApiError(err));
        setLoading(false);
      },
    );
    return () => controller.abort();
    // The caller's deps decide when to load again.
  }, [...deps, round]);

  const reload = useCallback(() => setRound((n) => n + 1), []);
  const set = useCallback((update: T | ((current: T | undefined) => T)) => {
    setData((current) => (typeof update === 'function' ? (update as (c: T | undefined) => T)(current) : update));
  }, []);
  return { data, error, loading, reload, set };
}
