// Signing in with the management token or a named admin's token (HTTP only; the desktop window is always signed in) and
// signing out, which forgets the token and everything that was loaded with it.
import { create } from 'zustand';
import { api, currentTransport, onUnauthorized, setManagementToken, toApiError } from '../api/index.ts';
import { useAdmins } from './admins.ts';
import { useAudit } from './audit.ts';
import { useCache } from './cache.ts';
import { useConnection } from './connection.ts';
import { useDashboard } from './dashboard.ts';
import { useKeys } from './keys.ts';
import { useLive } from './live.ts';
import { useMe } from './me.ts';
import { useNotices } from './notices.ts';
import { useProjects } from './projects.ts';
import { useSpend } from './spend.ts';
import { useSystem } from './system.ts';
import { useTokens } from './tokens.ts';
import { useUsage } from './usage.ts';

export type SessionStatus = 'signed-out' | 'signing-in' | 'signed-in';

interface SessionState {
  status: SessionStatus;
  /** Why the last sign-in failed, or why the session ended. */
  error: string | null;
  signIn(token: string): Promise<boolean>;
  signOut(reason?: string): void;
}

export const WRONG_TOKEN = 'This server did not accept that token. Check it and try again.';
export const SESSION_ENDED = 'The server no longer accepts your management token (was it changed or the server restarted?). Sign in again.';

export function initialSession(): Pick<SessionState, 'status' | 'error'> {
  return { status: currentTransport().needsSignIn ? 'signed-out' : 'signed-in', error: null };
}

function forgetEverything(): void {
  setManagementToken(null);
  for (const store of [
    useConnection,
    useProjects,
    useKeys,
    useTokens,
    useCache,
    useAudit,
    useDashboard,
    useSystem,
    useNotices,
    useLive,
    useUsage,
    useSpend,
    useMe,
    useAdmins,
  ])
    store.getState().reset();
}

export const useSession = create<SessionState>((set) => ({
  ...initialSession(),
  async signIn(raw) {
    const token = raw.trim();
    if (!token) {
      set({ error: 'Enter the management token.' });
      return false;
    }
    set({ status: 'signing-in', error: null });
    setManagementToken(token);
    try {
      // Who this token belongs to decides what the screens offer; an operator has no server settings to read.
      const me = await useMe.getState().load();
      if (me.role !== 'operator') useSystem.getState().accept(await api['system.info']({}));
      set({ status: 'signed-in', error: null });
      return true;
    } catch (err) {
      setManagementToken(null);
      const error = toApiError(err);
      set({ status: 'signed-out', error: error.code === 'unauthorized' ? WRONG_TOKEN : error.message });
      return false;
    }
  },
  signOut(reason) {
    if (!currentTransport().needsSignIn) return;
    forgetEverything();
    set({ status: 'signed-out', error: reason ?? null });
  },
}));

onUnauthorized(() => {
  if (useSession.getState().status === 'signed-in') useSession.getState().signOut(SESSION_ENDED);
});
