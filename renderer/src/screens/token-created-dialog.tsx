// The one time a new token's full value is shown (with a ready-to-paste snippet). Closing it before
// copying anything (Escape, ✕ or Done) asks first: the token cannot be shown again.
import { useState } from 'react';
import type { CreatedTokenView } from '../../../main/core/api/views.ts';
import { CopyButton } from '../components/copy-button.tsx';
import { Dialog } from '../components/dialog.tsx';
import { AlertIcon } from '../components/icons.tsx';
import { envSnippet } from '../forms/token-form.ts';
import { tokenLimitsSentence } from '../lib/limits-text.ts';
import { exactTime } from '../lib/time.ts';

/** The `llm-proxy exec` line that mints such a token for one command (the name quoted for a shell when needed). */
export function execLine(projectName: string): string {
  const name = /^[\w.@:+-]+$/.test(projectName) ? projectName : `'${projectName.replace(/'/g, `'\\''`)}'`;
  return `llm-proxy exec --project ${name} -- <command>`;
}

export function CreatedTokenDialog({
  created,
  projectName,
  proxyOrigin,
  onClose,
}: {
  created: CreatedTokenView;
  projectName: string;
  proxyOrigin: string;
  onClose: () => void;
}) {
  const snippet = envSnippet(proxyOrigin, created.token);
  const [copied, setCopied] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const markCopied = () => setCopied(true);
  const close = () => (copied ? onClose() : setConfirming(true));

  if (confirming) {
    return (
      <Dialog key="confirm" title="Copy your token now" onClose={() => setConfirming(false)} className="dialog-created">
        <div className="once-warning" role="alert">
          <AlertIcon />
          <div>
            <p className="once-question">Close without copying the token?</p>
            <p>Nothing was copied yet. Once closed, the full token cannot be shown again; you would have to mint a new one (and revoke this one).</p>
          </div>
        </div>
        <div className="dialog-actions">
          <button type="button" className="btn btn-danger" onClick={onClose}>
            Close without copying
          </button>
          <button type="button" className="btn btn-primary" onClick={() => setConfirming(false)} data-autofocus>
            Go back to the token
          </button>
        </div>
      </Dialog>
    );
  }

  return (
    <Dialog key="token" title="Copy your token now" onClose={close} wide className="dialog-created">
      <div className="once-warning" role="note">
        <AlertIcon />
        <p>This is the only time the full token is shown. After you close this window only its last four characters are kept.</p>
      </div>
      <div className="field">
        <label className="field-label" htmlFor="created-token">
          Token {created.name ? <span className="muted">· {created.name}</span> : null}
        </label>
        <div className="input-with-button">
          <textarea
            id="created-token"
            className="input mono secret"
            readOnly
            rows={2}
            value={created.token}
            onFocus={(e) => e.currentTarget.select()}
            onCopy={markCopied}
            spellCheck={false}
            data-testid="created-token"
            data-autofocus
          />
          <CopyButton text={created.token} label="Copy token" className="btn-primary" onCopied={markCopied} />
        </div>
      </div>
      <div className="field">
        <span className="field-label" id="snippet-label">
          For your shell or <code>.env</code>
        </span>
        <div className="snippet">
          <pre className="mono" aria-labelledby="snippet-label" data-testid="created-snippet" onCopy={markCopied}>
            {snippet}
          </pre>
          <CopyButton text={snippet} label="Copy snippet" onCopied={markCopied} />
        </div>
        <p className="muted">
          Or let a command have its own token, revoked when it ends: <code data-testid="created-exec">{execLine(projectName)}</code>
        </p>
      </div>
      <dl className="created-facts">
        <div>
          <dt>Project</dt>
          <dd>{projectName}</dd>
        </div>
        <div>
          <dt>Expires</dt>
          <dd>{exactTime(created.expires_at)}</dd>
        </div>
        <div>
          <dt>Limits</dt>
          <dd>{tokenLimitsSentence(created)}</dd>
        </div>
        <div>
          <dt>Models</dt>
          <dd className={created.allowed_models ? 'mono' : undefined}>{created.allowed_models?.join(', ') ?? 'any'}</dd>
        </div>
      </dl>
      <div className="dialog-actions">
        <button type="button" className="btn btn-primary" onClick={close}>
          Done, I have copied it
        </button>
      </div>
    </Dialog>
  );
}
