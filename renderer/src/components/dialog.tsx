// A modal built on <dialog>: the browser keeps focus inside and closes it on Esc; we put focus back on
// the control that opened it.
import { useEffect, useId, useRef, type ReactNode } from 'react';
import { CloseIcon } from './icons.tsx';

const FOCUSABLE = 'a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])';

interface DialogProps {
  title: string;
  /** Called on Esc, the close button, or the Cancel button of the footer. */
  onClose: () => void;
  children: ReactNode;
  /** Wider dialog for event details and the copy-once token. */
  wide?: boolean;
  /** While an action runs, Esc and the close button do nothing. */
  busy?: boolean;
  description?: ReactNode;
  className?: string;
}

export function Dialog({ title, onClose, children, wide, busy, description, className }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descriptionId = useId();
  const latestClose = useRef(onClose);
  latestClose.current = onClose;
  const busyRef = useRef(busy);
  busyRef.current = busy;

  useEffect(() => {
    const dialog = ref.current;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (dialog && !dialog.open) {
      dialog.showModal();
      // React's autoFocus runs before the dialog is shown; mark the first control with data-autofocus instead.
      const first =
        dialog.querySelector<HTMLElement>('[data-autofocus]') ??
        dialog.querySelector<HTMLElement>('.dialog-body :is(input, select, textarea, button):not([disabled])');
      first?.focus();
    }
    const onCancel = (event: Event) => {
      event.preventDefault();
      if (!busyRef.current) latestClose.current();
    };
    // A modal lets Tab wander off to the browser's own controls; keep it cycling inside instead.
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'Tab' || !dialog) return;
      const focusable = [...dialog.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => !el.hasAttribute('disabled') && el.offsetParent !== null);
      const first = focusable[0];
      const last = focusable.at(-1);
      if (!first || !last) return;
      if (event.shiftKey && document.activeElement === first) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && document.activeElement === last) {
        event.preventDefault();
        first.focus();
      }
    };
    dialog?.addEventListener('cancel', onCancel);
    dialog?.addEventListener('keydown', onKeyDown);
    return () => {
      dialog?.removeEventListener('cancel', onCancel);
      dialog?.removeEventListener('keydown', onKeyDown);
      if (dialog?.open) dialog.close();
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      className={['dialog', wide ? 'dialog-wide' : '', className ?? ''].join(' ').trim()}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
    >
      <header className="dialog-header">
        <h2 id={titleId}>{title}</h2>
        <button type="button" className="btn btn-icon btn-ghost" onClick={() => !busy && onClose()} aria-label="Close" disabled={busy}>
          <CloseIcon />
        </button>
      </header>
      {description ? (
        <p className="dialog-description" id={descriptionId}>
          {description}
        </p>
      ) : null}
      <div className="dialog-body">{children}</div>
    </dialog>
  );
}
