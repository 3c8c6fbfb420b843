// Says so when the server stops answering: what is on screen is what was loaded before (stale), changes
// wait, and everything refreshes on its own when the server is back.
import { useConnection } from '../stores/connection.ts';
import { useSystem } from '../stores/system.ts';
import { AlertIcon } from './icons.tsx';
import { TimeAgo } from './time-ago.tsx';

export function OfflineBanner() {
  const { online, since, error } = useConnection();
  const listenUrl = useSystem((s) => s.info?.listen_url);
  if (online || since === null) return null;
  return (
    <div className="offline-banner" role="alert">
      <AlertIcon />
      <div>
        <p className="offline-title">
          Offline: the server {listenUrl ? <span className="mono">{listenUrl}</span> : null} stopped answering <TimeAgo value={new Date(since).toISOString()} />
          .
        </p>
        <p className="offline-text">
          What you see is stale: it was loaded before. Changes are disabled until the server is back; then this page refreshes on its own.
          {error ? <span className="visually-hidden"> ({error.message})</span> : null}
        </p>
      </div>
    </div>
  );
}
