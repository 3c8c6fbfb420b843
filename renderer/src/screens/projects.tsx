// Projects: each holds one or more upstream keys and optional transformations; rename, manage keys,
// edit limits and transformations, deactivate or reactivate, revoke all tokens.
import { useEffect, useState, type ReactNode } from 'react';
import type { ProjectView } from '../../../main/core/api/views.ts';
import { PlusIcon } from '../components/icons.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { Empty, LoadFailed, Loading, Spinner } from '../components/states.tsx';
import { ProjectStatusBadge } from '../components/status-badge.tsx';
import { TimeAgo } from '../components/time-ago.tsx';
import { WeekUsage } from '../components/week-usage.tsx';
import { projectLimitsLine } from '../lib/limits-text.ts';
import { providerLabel } from '../lib/providers.ts';
import { transformationsLine } from '../lib/transformations-text.ts';
import { useCan } from '../lib/permissions.ts';
import { hrefFor } from '../lib/router.ts';
import { useAction } from '../lib/use-action.ts';
import { notify } from '../stores/notices.ts';
import { useOffline } from '../stores/connection.ts';
import { useProjects } from '../stores/projects.ts';
import { useTokens } from '../stores/tokens.ts';
import { usageRow, useUsage } from '../stores/usage.ts';
import { DeactivateProjectDialog, NewProjectDialog, RenameProjectDialog, RevokeProjectTokensDialog } from './project-dialogs.tsx';
import { ProjectKeysDialog } from './project-keys-dialog.tsx';
import { ProjectLimitsDialog } from './project-limits-dialog.tsx';
import { ProjectMoneyDialog, ProjectSpendFact } from './project-money.tsx';
import { ProjectTransformationsDialog } from './project-transformations-dialog.tsx';

type ProjectDialog = 'rename' | 'keys' | 'limits' | 'money' | 'transformations' | 'deactivate' | 'revoke';
type Open = { kind: 'new' } | { kind: ProjectDialog; project: ProjectView } | null;

export function ProjectsScreen() {
  const { items, status, error, load } = useProjects();
  const tokens = useTokens((s) => s.items);
  const [open, setOpen] = useState<Open>(null);
  const offline = useOffline();
  const canManage = useCan('projects.manage');

  useEffect(() => {
    void load();
    void useTokens.getState().load({ quiet: true });
  }, [load]);

  const usage = useUsage((s) => s.project);
  useEffect(() => void useUsage.getState().load('project'), []);
  const activeTokens = (projectId: string) => tokens.filter((t) => t.project_id === projectId && t.status === 'active').length;
  const close = () => setOpen(null);
  // Dialogs that show live data read the project from the list (it refreshes after key changes).
  const currentOf = (project: ProjectView) => items.find((p) => p.id === project.id) ?? project;

  return (
    <div className="screen">
      <PageHeader
        title="Projects"
        subtitle="Each project keeps its upstream API keys. Tokens are minted per project and never see a key."
        actions={
          canManage ? (
            <button type="button" className="btn btn-primary" onClick={() => setOpen({ kind: 'new' })} disabled={!!offline} title={offline ?? undefined}>
              <PlusIcon /> New project
            </button>
          ) : undefined
        }
      />
      {status === 'loading' || status === 'idle' ? (
        <Loading label="Loading projects…" />
      ) : status === 'error' ? (
        <LoadFailed error={error} onRetry={() => void load()} />
      ) : items.length === 0 ? (
        <Empty
          title="No projects yet"
          action={
            canManage ? (
              <button type="button" className="btn btn-primary" onClick={() => setOpen({ kind: 'new' })} disabled={!!offline} title={offline ?? undefined}>
                <PlusIcon /> New project
              </button>
            ) : undefined
          }
        >
          Create a project with your provider’s API key, then mint tokens for your tools.
        </Empty>
      ) : (
        <ul className="project-list" aria-label="Projects">
          {items.map((project) => (
            <ProjectRow
              key={project.id}
              project={project}
              activeTokens={activeTokens(project.id)}
              week={<WeekUsage row={usageRow(usage, project.id)} days={usage?.days ?? []} label={project.name} />}
              onOpen={(kind) => setOpen({ kind, project })}
            />
          ))}
        </ul>
      )}

      {open?.kind === 'new' ? <NewProjectDialog onClose={close} /> : null}
      {open?.kind === 'rename' ? <RenameProjectDialog project={open.project} onClose={close} /> : null}
      {open?.kind === 'keys' ? <ProjectKeysDialog project={open.project} onClose={close} /> : null}
      {open?.kind === 'limits' ? <ProjectLimitsDialog project={open.project} onClose={close} /> : null}
      {open?.kind === 'money' ? <ProjectMoneyDialog project={currentOf(open.project)} onClose={close} /> : null}
      {open?.kind === 'transformations' ? <ProjectTransformationsDialog project={currentOf(open.project)} onClose={close} /> : null}
      {open?.kind === 'deactivate' ? <DeactivateProjectDialog project={open.project} activeTokens={activeTokens(open.project.id)} onClose={close} /> : null}
      {open?.kind === 'revoke' ? <RevokeProjectTokensDialog project={open.project} activeTokens={activeTokens(open.project.id)} onClose={close} /> : null}
    </div>
  );
}

function ProjectRow({
  project,
  activeTokens,
  week,
  onOpen,
}: {
  project: ProjectView;
  activeTokens: number;
  week: ReactNode;
  onOpen: (kind: ProjectDialog) => void;
}) {
  const offline = useOffline();
  const canManage = useCan('projects.manage');
  const canSeeKeys = useCan('keys.read');
  const canRevoke = useCan('tokens.manage');
  const update = useProjects((s) => s.update);
  const reactivate = useAction(async () => {
    const done = await update({ id: project.id, is_active: true });
    notify('success', `Project “${done.name}” reactivated`);
  });
  useEffect(() => {
    if (reactivate.error) notify('error', `Could not reactivate “${project.name}”: ${reactivate.error.message}`);
  }, [reactivate.error, project.name]);

  return (
    <li className={project.is_active ? 'project' : 'project project-inactive'} aria-label={project.name}>
      <div className="project-title">
        <h2>{project.name}</h2>
        <ProjectStatusBadge active={project.is_active} />
        <div className="project-week" title="Requests per day, last 7 days">
          {week}
        </div>
      </div>
      <dl className="project-facts">
        <div className="fact-upstream">
          <dt>Upstream</dt>
          <dd className="mono" title={`${providerLabel(project.provider)}: ${project.base_url}`}>
            {project.base_url}
          </dd>
        </div>
        <div>
          <dt>{project.key_count === 1 ? 'Key' : 'Keys'}</dt>
          <dd title={project.key_count === 1 ? undefined : `${project.key_count} keys; the oldest is ${project.api_key}`}>
            <span className="mono">{project.api_key}</span>
            {project.key_count > 1 ? <span className="muted"> +{project.key_count - 1}</span> : null}
          </dd>
        </div>
        <div>
          <dt>Tokens</dt>
          <dd>
            <a href={hrefFor('tokens', { project: project.id })}>{activeTokens} active</a>
          </dd>
        </div>
        <div>
          <dt>{project.is_active ? 'Created' : 'Deactivated'}</dt>
          <dd>
            <TimeAgo value={project.is_active ? project.created_at : project.deactivated_at} />
          </dd>
        </div>
        <ProjectLimitsFact project={project} onEdit={() => onOpen('limits')} />
        <ProjectSpendFact project={project} onEdit={() => onOpen('money')} />
        <ProjectTransformationsFact project={project} onEdit={() => onOpen('transformations')} />
      </dl>
      {/* A disabled fieldset disables every action in it while the server is away. */}
      <fieldset className="project-actions" disabled={!!offline} title={offline ?? undefined}>
        {canManage ? (
          <button type="button" className="btn btn-small" onClick={() => onOpen('rename')}>
            Rename
          </button>
        ) : null}
        {canSeeKeys ? (
          <button type="button" className="btn btn-small" onClick={() => onOpen('keys')} aria-label={`Keys of ${project.name}`}>
            Keys
          </button>
        ) : null}
        {canRevoke ? (
          <button type="button" className="btn btn-small" onClick={() => onOpen('revoke')}>
            Revoke tokens
          </button>
        ) : null}
        {!canManage ? null : project.is_active ? (
          <button type="button" className="btn btn-small btn-danger-quiet" onClick={() => onOpen('deactivate')}>
            Deactivate
          </button>
        ) : (
          <button type="button" className="btn btn-small" onClick={() => void reactivate.run()} disabled={reactivate.pending}>
            {reactivate.pending ? (
              <>
                <Spinner /> Reactivating…
              </>
            ) : (
              'Reactivate'
            )}
          </button>
        )}
      </fieldset>
    </li>
  );
}

/**
 * Rate limits in one line under the facts, with the button that edits them (here rather than in the
 * title row, which has no room left at 1024 px): "per token 60/min, 20k tok/min · shared 500/min (by upstream key)".
 */
function ProjectLimitsFact({ project, onEdit }: { project: ProjectView; onEdit: () => void }) {
  const offline = useOffline();
  const canEdit = useCan('projects.manage');
  const limits = projectLimitsLine(project);
  return (
    <div className="fact-limits">
      <dt>Limits</dt>
      <dd>
        <span className={limits.short === 'none' ? 'limits-value limits-none' : 'limits-value num'} title={limits.long}>
          {limits.short}
        </span>
        {canEdit ? (
          <button
            type="button"
            className="link-button limits-edit"
            onClick={onEdit}
            aria-label={`Edit limits of ${project.name}`}
            disabled={!!offline}
            title={offline ?? undefined}
          >
            Edit
          </button>
        ) : null}
      </dd>
    </div>
  );
}

/** The transformations in one line under the limits, edited the same way. */
function ProjectTransformationsFact({ project, onEdit }: { project: ProjectView; onEdit: () => void }) {
  const offline = useOffline();
  const canEdit = useCan('projects.manage');
  const line = transformationsLine(project.transformations);
  return (
    <div className="fact-limits fact-transformations">
      <dt>Transformations</dt>
      <dd>
        <span className={line === 'none' ? 'limits-value limits-none' : 'limits-value'} title={line}>
          {line}
        </span>
        {canEdit ? (
          <button
            type="button"
            className="link-button limits-edit"
            onClick={onEdit}
            aria-label={`Edit transformations of ${project.name}`}
            disabled={!!offline}
            title={offline ?? undefined}
          >
            Edit
          </button>
        ) : null}
      </dd>
    </div>
  );
}
