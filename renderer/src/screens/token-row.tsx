// One row of the Tokens table. Columns drop by priority as the table narrows (tokens.css); whatever a
// dropped column said moves into the quiet line under the token's name, so nothing is lost at 360 px.
import type { ProjectView, TokenView } from '../../../main/core/api/views.ts';
import type { UsageDailyRowView } from '../../../main/core/api/event-views.ts';
import { AuditIcon } from '../components/icons.tsx';
import { TokenStatusBadge } from '../components/status-badge.tsx';
import { TimeAgo } from '../components/time-ago.tsx';
import { SpendMeter } from '../components/spend-meter.tsx';
import { LifeMeter, UsageMeter } from '../components/usage-meter.tsx';
import { WeekUsage } from '../components/week-usage.tsx';
import { tokenLimitsLine } from '../lib/limits-text.ts';
import { useCan } from '../lib/permissions.ts';
import { hrefFor } from '../lib/router.ts';
import { lifeLeft } from '../lib/time.ts';
import { canRevoke } from '../lib/token-list.ts';

interface TokenRowProps {
  token: TokenView;
  project: ProjectView | undefined;
  week: { row: UsageDailyRowView; days: string[] };
  /** Why changes cannot be made now (the server is away), or null. */
  offline: string | null;
  onRevoke: () => void;
  onEdit: () => void;
  onEditLimits: () => void;
}

export function TokenRow({ token, project, week, offline, onRevoke, onEdit, onEditLimits }: TokenRowProps) {
  const label = token.name ?? 'Unnamed token';
  const canManage = useCan('tokens.manage');
  const projectName = project?.name ?? 'Unknown project';
  const projectPaused = project?.is_active === false && token.status === 'active';
  // The limits beyond the quota, in quiet lines: "60/min · default 20k tok/min" (the project's), then the models.
  const limits = tokenLimitsLine(token, project);
  const policy = token.allowed_models?.join(', ') ?? '';
  const expiry = <Expiry token={token} />;
  return (
    <tr className={`token-row token-${token.status}`} data-token-id={token.id}>
      <td>
        <div className="cell-stack">
          <span className={token.name ? 'token-name' : 'token-name muted'} title={label}>
            {label}
          </span>
          <span className="mono small muted">{token.token}</span>
          {/* The dropped columns, said in words (each shown only while its column is hidden). */}
          <span className="row-meta small">
            <span className="meta-status">
              <TokenStatusBadge status={token.status} />
            </span>
            <a href={hrefFor('tokens', { project: token.project_id })} className="meta-project quiet-link" title={projectName}>
              {projectName}
            </a>
            {projectPaused ? <span className="meta-project paused">project inactive</span> : null}
            <span className="meta-expires muted">{expiry}</span>
            <span className="meta-week muted">{week.row.total.requests.toLocaleString('en')} req in 7 days</span>
            <span className="meta-last-used muted">
              used <TimeAgo value={token.last_used_at} empty="never" />
            </span>
          </span>
        </div>
      </td>
      <td className="cell-project col-project">
        <div className="cell-stack">
          <a href={hrefFor('tokens', { project: token.project_id })} className="quiet-link truncate" title={projectName}>
            {projectName}
          </a>
          {projectPaused ? <span className="small paused">project inactive</span> : null}
        </div>
      </td>
      <td className="col-status">
        <TokenStatusBadge status={token.status} />
      </td>
      <td>
        <UsageMeter used={token.request_count} max={token.max_requests} label={`Requests used by ${label}`} />
        <SpendMeter
          spent={token.spend_usd}
          budget={token.max_budget_usd}
          unpriced={week.row.total.unpriced_requests}
          unpricedPeriod="in the last 7 days"
          label={`Budget spent by ${label}`}
        />
        {token.is_active && canManage ? (
          // The rate limits are edited where they show.
          <button
            type="button"
            className="link-button limits-line limits-line-edit num"
            onClick={onEditLimits}
            disabled={!!offline}
            title={offline ?? `${limits?.long ?? 'No rate limit'}. Click to edit.`}
          >
            {limits?.short ?? 'no rate limit'}
            <span className="visually-hidden">, edit limits of {label}</span>
          </button>
        ) : limits ? (
          <span className="limits-line num" title={limits.long}>
            {limits.short}
          </span>
        ) : null}
        {policy ? (
          <span className="small muted models" title={policy}>
            {policy}
          </span>
        ) : null}
      </td>
      <td className="col-week">
        <WeekUsage row={week.row} days={week.days} label={label} />
      </td>
      <td className="col-expires">
        <div className="cell-stack">
          {expiry}
          {token.status === 'active' ? (
            <LifeMeter left={lifeLeft(token.created_at, token.expires_at, Date.now())} label={`Lifetime left for ${label}`} />
          ) : null}
        </div>
      </td>
      <td className="col-last-used">
        <TimeAgo value={token.last_used_at} empty="never" />
      </td>
      <td className="cell-actions">
        <div className="row-actions">
          {canManage && canRevoke(token) ? (
            <button
              type="button"
              className="btn btn-small btn-danger-quiet"
              onClick={onRevoke}
              aria-label={`Revoke ${label}`}
              disabled={!!offline}
              title={offline ?? undefined}
            >
              Revoke
            </button>
          ) : null}
          {canManage && token.is_active ? (
            <button
              type="button"
              className="btn btn-small"
              onClick={onEdit}
              aria-label={`Edit ${label}`}
              disabled={!!offline}
              title={offline ?? 'Name, quota, models and limits'}
            >
              Edit
            </button>
          ) : null}
          <a
            className="btn btn-small btn-ghost btn-icon"
            href={hrefFor('audit', { token_id: token.id })}
            aria-label={`Audit trail of ${label}`}
            title="Audit trail"
          >
            <AuditIcon />
          </a>
        </div>
      </td>
    </tr>
  );
}

function Expiry({ token }: { token: TokenView }) {
  if (token.status === 'revoked') {
    return (
      <span className="muted nowrap">
        revoked <TimeAgo value={token.revoked_at} />
      </span>
    );
  }
  if (token.status === 'expired') {
    return (
      <span className="muted nowrap">
        expired <TimeAgo value={token.expires_at} />
      </span>
    );
  }
  return (
    <span className="nowrap">
      expires <TimeAgo value={token.expires_at} />
    </span>
  );
}
