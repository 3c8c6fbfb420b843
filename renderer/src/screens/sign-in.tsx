// Sign-in for a browser tab: the management token, checked by asking the server for its facts.
import { useState, type FormEvent } from 'react';
import { FormError } from '../components/field.tsx';
import { LogoMark } from '../components/icons.tsx';
import { Spinner } from '../components/states.tsx';
import { useSession } from '../stores/session.ts';

export function SignIn() {
  const { status, error, signIn } = useSession();
  const [token, setToken] = useState('');
  const [shown, setShown] = useState(false);
  const busy = status === 'signing-in';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (await signIn(token)) setToken('');
  };

  return (
    <main className="sign-in">
      <form className="sign-in-card" onSubmit={submit} noValidate aria-labelledby="sign-in-title">
        <div className="sign-in-brand">
          <LogoMark />
          <span>LLM Proxy</span>
        </div>
        <h1 id="sign-in-title">Sign in</h1>
        <p className="muted">Use the management token of this server. It stays in this tab’s memory only and is forgotten when you close the tab.</p>
        <div className={`field ${error ? 'field-invalid' : ''}`}>
          <label htmlFor="management-token" className="field-label">
            Management token
          </label>
          <div className="input-with-button">
            <input
              id="management-token"
              name="management-token"
              type={shown ? 'text' : 'password'}
              className="input mono"
              autoComplete="off"
              spellCheck={false}
              autoFocus
              value={token}
              onChange={(e) => setToken(e.target.value)}
              aria-invalid={error ? true : undefined}
              aria-describedby="management-token-hint"
            />
            <button type="button" className="btn btn-ghost" onClick={() => setShown(!shown)} aria-pressed={shown}>
              {shown ? 'Hide' : 'Show'}
            </button>
          </div>
          <p className="field-hint" id="management-token-hint">
            Printed when the server first started, and saved in <code>&lt;data folder&gt;/management-token</code>.
          </p>
        </div>
        <FormError message={error} />
        <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
          {busy ? (
            <>
              <Spinner /> Checking…
            </>
          ) : (
            'Sign in'
          )}
        </button>
      </form>
    </main>
  );
}
