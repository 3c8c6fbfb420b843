// The footer buttons every form dialog uses: Cancel, and a submit button that shows progress.
import { Spinner } from './states.tsx';

export function Submit({ pending, children, busyLabel, danger }: { pending: boolean; children: string; busyLabel: string; danger?: boolean }) {
  return (
    <button type="submit" className={danger ? 'btn btn-danger' : 'btn btn-primary'} disabled={pending}>
      {pending ? (
        <>
          <Spinner /> {busyLabel}
        </>
      ) : (
        children
      )}
    </button>
  );
}

export function Cancel({ onClose, pending, label = 'Cancel' }: { onClose: () => void; pending: boolean; label?: string }) {
  return (
    <button type="button" className="btn" onClick={onClose} disabled={pending}>
      {label}
    </button>
  );
}
