// Confirms revoking one token: it stops working on its next request.
import type { FormEvent } from 'react';
import type { TokenView } from '../../../main/core/api/views.ts';
import { Dialog } from '../components/dialog.tsx';
import { FormError } from '../components/field.tsx';
import { Spinner } from '../components/states.tsx';
import { useAction } from '../lib/use-action.ts';
import { notify } from '../stores/notices.ts';
import { useTokens } from '../stores/tokens.ts';

export function RevokeTokenDialog({ token, onClose }: { token: TokenView; onClose: () => void }) {
  const revoke = useTokens((s) => s.revoke);
  const action = useAction(revoke);
  const label = token.name ?? token.token;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const done = await action.run(token.id);
    if (done) {
      notify('success', `Token “${label}” revoked`);
      onClose();
    }
  };

  return (
    <Dialog title={`Revoke “${label}”?`} onClose={onClose} busy={action.pending}>
      <form className="form" onSubmit={submit}>
        <p>
          Tools using <span className="mono">{token.token}</span> get <strong>401</strong> from their next request on. The token stays listed (and in the audit
          trail) as revoked.
        </p>
        <FormError message={action.error?.message} />
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose} disabled={action.pending} data-autofocus>
            Cancel
          </button>
          <button type="submit" className="btn btn-danger" disabled={action.pending}>
            {action.pending ? (
              <>
                <Spinner /> Revoking…
              </>
            ) : (
              'Revoke token'
            )}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
