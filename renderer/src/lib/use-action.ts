// Runs one user action at a time and keeps its progress and error for the button and form that started it.
import { useCallback, useRef, useState } from 'react';
import { toApiError, type ApiError } from '../api/index.ts';

export interface Action<A extends unknown[], R> {
  run: (...args: A) => Promise<R | undefined>;
  pending: boolean;
  error: ApiError | null;
  clearError: () => void;
}

export function useAction<A extends unknown[], R>(fn: (...args: A) => Promise<R>): Action<A, R> {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const running = useRef(false);
  const latest = useRef(fn);
  latest.current = fn;

  const run = useCallback(async (...args: A) => {
    if (running.current) return undefined;
    running.current = true;
    setPending(true);
    setError(null);
    try {
      return await latest.current(...args);
    } catch (err) {
      setError(toApiError(err));
      return undefined;
    } finally {
      running.current = false;
      setPending(false);
    }
  }, []);

  return { run, pending, error, clearError: useCallback(() => setError(null), []) };
}
