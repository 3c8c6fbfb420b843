// The Projects screen's "Keys" dialog: a project's upstream keys (always masked) with their weight,
// state, health and usage, and the actions on them. Add, edit, rotate and remove open a dialog of
// their own on top (project-key-dialogs.tsx); enable/disable act at once.
import { useEffect, useState } from 'react';
import type { ProjectView, UpstreamKeyView } from '../../../main/core/api/views.ts';
import { Dialog } from '../components/dialog.tsx';
import { PlusIcon } from '../components/icons.tsx';
import { LoadFailed, Loading, Spinner } from '../components/states.tsx';
import { TimeAgo } from '../components/time-ago.tsx';
import { compactNumber, healthText, keepReason, trafficShare } from '../lib/key-text.ts';
import { useCan } from '../lib/permissions.ts';
import { useAction } from '../lib/use-action.ts';
import { usePolling } from '../lib/use-polling.ts';
import { useKeys } from '../stores/keys.ts';
import { notify } from '../stores/notices.ts';
import { AddKeyDialog, EditKeyDialog, RemoveKeyDialog, RotateKeyDialog } from './project-key-dialogs.tsx';

/** Health moves on its own (cool-downs end, failures happen): refresh while the dialog is open. */
export const KEYS_REFRESH_MS = 3000;

type Open = { kind: 'add' } | { kind: 'edit' | 'rotate' | 'remove'; key: UpstreamKeyView } | null;

export function ProjectKeysDialog({ project, onClose }: { project: ProjectView; onClose: () => void }) {
  const canManage = useCan('keys.manage');
  const { items, status, error, load } = useKeys();
  const loaded = useKeys((s) => s.projectId === project.id);
  const [open, setOpen] = useState<Open>(null);
  const close = () => setOpen(null);

  useEffect(() => void load(project.id), [load, project.id]);
  usePolling(() => void load(project.id, { quiet: true }), KEYS_REFRESH_MS);
  const keys = loaded ? items : [];
  const lastKeyNote = keys.length > 0 && keys.filter((k) => k.is_enabled).length <= 1;

  return (
    <>
      <Dialog
        title={`Keys of “${project.name}”`}
        onClose={onClose}
        className="dialog-keys"
        description="Requests are spread over the enabled keys by weight. A key that fails (401, 429, 5xx, unreachable) cools down and the others take over. Health is this server’s view, including cool-downs other servers sharing its Redis announced."
      >
        {canManage ? (
          <div className="keys-toolbar">
            <button type="button" className="btn btn-primary btn-small" onClick={() => setOpen({ kind: 'add' })}>
              <PlusIcon /> Add key
            </button>
          </div>
        ) : null}
        {!loaded || status === 'loading' || status === 'idle' ? (
          <Loading label="Loading keys…" />
        ) : status === 'error' ? (
          <LoadFailed error={error} onRetry={() => void load(project.id)} />
        ) : (
          <div className="table-wrap table-stack">
            <table className="table keys-table" aria-label={`Upstream keys of ${project.name}`}>
              <thead>
                <tr>
                  <th scope="col">Label</th>
                  <th scope="col">Key</th>
                  <th scope="col">Weight</th>
                  <th scope="col">State</th>
                  <th scope="col">Requests</th>
                  <th scope="col">Tokens</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {keys.map((key) => (
                  <KeyRow key={key.id} upstreamKey={key} keys={keys} onOpen={(kind) => setOpen({ kind, key })} />
                ))}
              </tbody>
            </table>
          </div>
        )}
        {lastKeyNote ? (
          <p className="small muted keys-note">A project keeps at least one enabled key: add or enable another before disabling or removing this one.</p>
        ) : null}
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose}>
            Close
          </button>
        </div>
      </Dialog>

      {open?.kind === 'add' ? <AddKeyDialog project={project} onClose={close} /> : null}
      {open?.kind === 'edit' ? <EditKeyDialog upstreamKey={open.key} onClose={close} /> : null}
      {open?.kind === 'rotate' ? <RotateKeyDialog upstreamKey={open.key} onClose={close} /> : null}
      {open?.kind === 'remove' ? <RemoveKeyDialog upstreamKey={open.key} onClose={close} /> : null}
    </>
  );
}

function KeyRow({
  upstreamKey: key,
  keys,
  onOpen,
}: {
  upstreamKey: UpstreamKeyView;
  keys: UpstreamKeyView[];
  onOpen: (kind: 'edit' | 'rotate' | 'remove') => void;
}) {
  const update = useKeys((s) => s.update);
  const toggle = useAction(async () => {
    const done = await update({ project_id: key.project_id, id: key.id, is_enabled: !key.is_enabled });
    notify('success', `Key “${done.label}” ${done.is_enabled ? 'enabled' : 'disabled'}`);
  });
  useEffect(() => {
    if (toggle.error) notify('error', `Could not ${key.is_enabled ? 'disable' : 'enable'} “${key.label}”: ${toggle.error.message}`);
  }, [toggle.error, key.is_enabled, key.label]);

  const health = healthText(key);
  const share = trafficShare(key, keys);
  const cannotDisable = key.is_enabled ? keepReason(key, keys, 'disable') : null;
  const cannotRemove = keepReason(key, keys, 'remove');
  // A viewer sees the keys (masked) and changes none.
  const canManage = useCan('keys.manage');

  return (
    <tr className={key.is_enabled ? 'key-row' : 'key-row key-disabled'} aria-label={key.label}>
      <td data-label="Label">
        <span className="key-label" title={key.label}>
          {key.label}
        </span>
      </td>
      <td className="mono small" data-label="Key">
        {key.key}
      </td>
      <td className="num" data-label="Weight">
        <div className="cell-stack">
          <span>{key.weight}</span>
          {key.is_enabled ? <span className="small muted">{Math.round(share * 100)}% of requests</span> : null}
        </div>
      </td>
      <td data-label="State">
        <div className="cell-stack">
          <span className={`badge ${key.is_enabled ? 'badge-active' : 'badge-inactive'}`}>{key.is_enabled ? 'Enabled' : 'Disabled'}</span>
          {health ? <span className={key.health === 'cooling_down' ? 'small key-cooling' : 'small muted'}>{health}</span> : null}
          {key.last_error ? (
            <span className="small muted key-error" title={`Last error: ${key.last_error}`}>
              {key.last_error} · <TimeAgo value={key.last_error_at} />
            </span>
          ) : null}
        </div>
      </td>
      <td className="num" data-label="Requests">
        <div className="cell-stack">
          <span>{key.request_count}</span>
          {key.failure_count ? <span className="small muted">{key.failure_count} failed</span> : null}
        </div>
      </td>
      <td className="num small" data-label="Tokens" title={`${key.prompt_tokens} prompt tokens, ${key.completion_tokens} completion tokens`}>
        {compactNumber(key.prompt_tokens)} in · {compactNumber(key.completion_tokens)} out
      </td>
      <td className="cell-actions">
        {canManage ? (
          <>
            <button
              type="button"
              className="btn btn-small"
              onClick={() => void toggle.run()}
              disabled={toggle.pending || cannotDisable !== null}
              title={cannotDisable ?? undefined}
              aria-label={`${key.is_enabled ? 'Disable' : 'Enable'} ${key.label}`}
            >
              {toggle.pending ? <Spinner /> : null}
              {key.is_enabled ? 'Disable' : 'Enable'}
            </button>
            <button type="button" className="btn btn-small" onClick={() => onOpen('edit')} aria-label={`Edit ${key.label}`}>
              Edit
            </button>
            <button type="button" className="btn btn-small" onClick={() => onOpen('rotate')} aria-label={`Rotate ${key.label}`}>
              Rotate
            </button>
            <button
              type="button"
              className="btn btn-small btn-danger-quiet"
              onClick={() => onOpen('remove')}
              disabled={cannotRemove !== null}
              title={cannotRemove ?? undefined}
              aria-label={`Remove ${key.label}`}
            >
              Remove
            </button>
          </>
        ) : null}
      </td>
    </tr>
  );
}
