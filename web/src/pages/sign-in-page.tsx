import { type ReactNode, useState } from 'react';
import { type SessionInfo, signIn } from '../api-client.js';

/**
 * Sign-in with an API key of scope read or admin. The key goes to the server once, in the body of
 * `POST /v1/session`, and is never stored by the page: the session lives in an httpOnly cookie.
 */
export function SignInPage({ onSignedIn }: { onSignedIn: (s: SessionInfo) => void }): ReactNode {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  return (
    <main className="sign-in">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setBusy(true);
          setError(undefined);
          signIn(key.trim())
            .then((s) => {
              setKey('');
              onSignedIn(s);
            })
            .catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)))
            .finally(() => setBusy(false));
        }}
      >
        <h1>loginguard</h1>
        <p className="muted">Sign in with an API key of scope read or admin.</p>
        <label>
          API key
          <input
            name="key"
            type="password"
            autoComplete="off"
            spellCheck={false}
            value={key}
            onChange={(e) => setKey(e.target.value)}
            placeholder="lg_…"
            required
          />
        </label>
        <button type="submit" disabled={busy || key.trim() === ''}>
          Sign in
        </button>
        {error && (
          <p className="state error" role="alert">
            {error}
          </p>
        )}
      </form>
    </main>
  );
}
