// The Settings panels for how the server is reached (HTTPS) and what it shares (Redis).
import type { ReactNode } from 'react';
import type { RedisStatusView, TlsInfoView } from '../../../main/core/api/views.ts';
import { TimeAgo } from '../components/time-ago.tsx';

const TLS_MODES: Record<TlsInfoView['mode'], string> = {
  off: 'Off (plain HTTP)',
  local_ca: 'Local certificate authority',
  files: 'Your own certificate',
  acme: 'ACME (Let’s Encrypt or another ACME server)',
};

const REDIS_STATES: Record<RedisStatusView['state'], { label: string; badge: string }> = {
  off: { label: 'Not configured: limits are per instance', badge: 'badge-inactive' },
  connecting: { label: 'Connecting…', badge: 'badge-expired' },
  ready: { label: 'Connected: limits are shared', badge: 'badge-active' },
  unreachable: { label: 'Redis unreachable', badge: 'badge-revoked' },
};

export function HttpsPanel({ tls, row: Row }: { tls: TlsInfoView; row: RowComponent }) {
  return (
    <section className="panel" aria-labelledby="https-title">
      <header className="panel-header">
        <h2 id="https-title">HTTPS</h2>
      </header>
      {tls.insecure_lan ? (
        <div className="once-warning" role="alert">
          This server listens beyond this machine without HTTPS: tokens and keys cross the network in clear text.
        </div>
      ) : null}
      <dl className="settings-list">
        <Row label="Mode">{TLS_MODES[tls.mode]}</Row>
        {tls.expires_at ? (
          <Row label="Certificate expires">
            <TimeAgo value={tls.expires_at} />
          </Row>
        ) : null}
        {tls.names.length ? (
          <Row label="Names covered">
            <span className="mono">{tls.names.join(', ')}</span>
          </Row>
        ) : null}
        {tls.ca_path ? (
          <Row label="CA to trust" copy={tls.ca_path} hint="Trust it once on each machine that calls this proxy.">
            <span className="mono">{tls.ca_path}</span>
          </Row>
        ) : null}
      </dl>
      {tls.trust_commands ? (
        <dl className="settings-list">
          {(
            [
              ['macOS', tls.trust_commands.macos],
              ['Windows', tls.trust_commands.windows],
              ['Linux', tls.trust_commands.linux],
              ['Node tools', tls.trust_commands.node],
            ] as const
          ).map(([label, command]) => (
            <Row key={label} label={label} copy={command}>
              <span className="mono">{command}</span>
            </Row>
          ))}
        </dl>
      ) : null}
    </section>
  );
}

export function RedisPanel({ redis, row: Row }: { redis: RedisStatusView; row: RowComponent }) {
  const state = REDIS_STATES[redis.state];
  return (
    <section className="panel" aria-labelledby="redis-title">
      <header className="panel-header">
        <h2 id="redis-title">Shared limits (Redis)</h2>
      </header>
      <dl className="settings-list">
        <Row label="State">
          <span className={`badge ${state.badge}`}>{state.label}</span>
          <span className="muted small">
            since <TimeAgo value={redis.since} />
          </span>
        </Row>
        {redis.location ? (
          <Row label="Server">
            <span className="mono">{redis.location}</span>
          </Row>
        ) : null}
        {redis.configured ? (
          <>
            <Row label="Key prefix">
              <span className="mono">{redis.prefix}</span>
            </Row>
            <Row label="When Redis is down">{redis.fail_closed ? 'Refuse limited requests (fail closed)' : 'Keep serving under per-instance limits'}</Row>
          </>
        ) : (
          <Row label="Enable" hint="Set a Redis URL below (tested before it is used), or start every instance with the same one to share one budget.">
            <span className="mono">LLM_PROXY_REDIS_URL=redis://host:6379</span>
          </Row>
        )}
      </dl>
    </section>
  );
}

export type RowComponent = (props: { label: string; children: ReactNode; copy?: string; hint?: string }) => ReactNode;
