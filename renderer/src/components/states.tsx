// Loading, failed and empty states, the same on every screen.
import type { ReactNode } from 'react';
import type { ApiError } from '../api/index.ts';
import { AlertIcon } from './icons.tsx';

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="state state-loading" role="status">
      <span className="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

export function LoadFailed({ error, onRetry }: { error: ApiError | null; onRetry?: () => void }) {
  return (
    <div className="state state-error" role="alert">
      <AlertIcon />
      <div>
        <p className="state-title">Could not load this</p>
        <p className="state-text">{error?.message ?? 'Something went wrong.'}</p>
      </div>
      {onRetry ? (
        <button type="button" className="btn" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

export function Empty({ title, children, action }: { title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="state state-empty">
      <p className="state-title">{title}</p>
      {children ? <p className="state-text">{children}</p> : null}
      {action ? <div className="state-action">{action}</div> : null}
    </div>
  );
}

export function Spinner() {
  return <span className="spinner spinner-inline" aria-hidden="true" />;
}
