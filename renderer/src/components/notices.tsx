// The corner where action results appear (announced to screen readers).
import { useNotices } from '../stores/notices.ts';
import { AlertIcon, CheckIcon, CloseIcon } from './icons.tsx';

export function Notices() {
  const items = useNotices((s) => s.items);
  const dismiss = useNotices((s) => s.dismiss);
  return (
    <div className="notices" aria-live="polite">
      {items.map((n) => (
        <div key={n.id} className={`notice notice-${n.kind}`} role={n.kind === 'error' ? 'alert' : 'status'}>
          {n.kind === 'success' ? <CheckIcon /> : <AlertIcon />}
          <span className="notice-text">{n.text}</span>
          <button type="button" className="btn btn-icon btn-ghost" aria-label="Dismiss" onClick={() => dismiss(n.id)}>
            <CloseIcon />
          </button>
        </div>
      ))}
    </div>
  );
}
