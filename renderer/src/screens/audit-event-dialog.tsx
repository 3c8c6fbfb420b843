// One audit event with every field and its details.
import type { AuditEventView } from '../../../main/core/api/views.ts';
import type { ApiError } from '../api/index.ts';
import { Dialog } from '../components/dialog.tsx';
import { FormError } from '../components/field.tsx';
import { Loading } from '../components/states.tsx';
import { OutcomeBadge } from '../components/status-badge.tsx';
import { actionLabel } from '../lib/audit-labels.ts';
import { hrefFor } from '../lib/router.ts';
import { exactTime } from '../lib/time.ts';

interface Props {
  opened: { status: 'loading' | 'ready' | 'error'; event: AuditEventView | null; error: ApiError | null };
  projectName: (id: string | null) => string | null;
  tokenName: (id: string | null) => string | null;
  onClose: () => void;
}

export function AuditEventDialog({ opened, projectName, tokenName, onClose }: Props) {
  const event = opened.event;
  return (
    <Dialog title={event ? actionLabel(event.action) : 'Audit event'} onClose={onClose} wide>
      {opened.status === 'loading' && !event ? <Loading label="Loading the event…" /> : null}
      {opened.error ? <FormError message={opened.error.message} /> : null}
      {event ? (
        <>
          <dl className="facts">
            <Fact label="Time">
              <time dateTime={event.time}>{exactTime(event.time)}</time>
            </Fact>
            <Fact label="Action">
              <span className="mono">{event.action}</span>
            </Fact>
            <Fact label="Outcome">
              <OutcomeBadge outcome={event.outcome} />
            </Fact>
            <Fact label="Actor">
              <span className="mono">{event.actor}</span>
            </Fact>
            <Fact label="Target">
              {event.target_type ? <span>{event.target_type} </span> : null}
              {event.target_label ? <span>“{event.target_label}” </span> : null}
              <span className="mono">{event.target_id ?? '—'}</span>
            </Fact>
            <Fact label="Project">
              {event.project_id ? (
                <a href={hrefFor('audit', { project_id: event.project_id })} onClick={onClose}>
                  {projectName(event.project_id) ?? event.project_id}
                </a>
              ) : (
                '—'
              )}
            </Fact>
            <Fact label="Token">
              {event.token_id ? (
                <a href={hrefFor('audit', { token_id: event.token_id })} onClick={onClose}>
                  {tokenName(event.token_id) ?? event.token_id}
                </a>
              ) : (
                '—'
              )}
            </Fact>
            <Fact label="Request id">
              <span className="mono">{event.request_id ?? '—'}</span>
            </Fact>
            <Fact label="Client IP">
              <span className="mono">{event.client_ip ?? '—'}</span>
            </Fact>
            <Fact label="Event id">
              <span className="mono">{event.id}</span>
            </Fact>
          </dl>
          <h3 className="section-title">Details</h3>
          <pre className="code-block mono">{Object.keys(event.details).length ? JSON.stringify(event.details, null, 2) : 'No details.'}</pre>
        </>
      ) : null}
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onClose} data-autofocus>
          Close
        </button>
      </div>
    </Dialog>
  );
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}
