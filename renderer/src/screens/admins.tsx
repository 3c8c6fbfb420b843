// Admins (owners only): the people who manage this proxy, each with a token of their own and a role.
// New admin shows the token once; Change role and Remove apply from that person's next call.
import { useEffect, useState } from 'react';
import type { AdminView } from '../../../main/core/api/admin-schemas.ts';
import { PlusIcon } from '../components/icons.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { Empty, LoadFailed, Loading } from '../components/states.tsx';
import { TimeAgo } from '../components/time-ago.tsx';
import { ROLE_LABELS } from '../lib/permissions.ts';
import { useAdmins } from '../stores/admins.ts';
import { projectName, useProjects } from '../stores/projects.ts';
import { CreatedAdminDialog, EditAdminDialog, NewAdminDialog, RemoveAdminDialog } from './admin-dialogs.tsx';

type Open = { kind: 'new' } | { kind: 'edit'; admin: AdminView } | { kind: 'remove'; admin: AdminView } | null;

export function AdminsScreen() {
  const { items, status, error, load, created, dismissCreated } = useAdmins();
  const projects = useProjects((s) => s.items);
  const [open, setOpen] = useState<Open>(null);
  useEffect(() => {
    void load();
    if (useProjects.getState().status === 'idle') void useProjects.getState().load();
  }, [load]);

  const newButton = (
    <button type="button" className="btn btn-primary" onClick={() => setOpen({ kind: 'new' })}>
      <PlusIcon />
      New admin
    </button>
  );

  return (
    <div className="screen">
      <PageHeader
        title="Admins"
        subtitle="People who manage this proxy, each with a token of their own. The audit trail names them; removing one stops their token at once."
        actions={newButton}
      />
      {status === 'loading' && items.length === 0 ? (
        <Loading label="Loading admins…" />
      ) : status === 'error' ? (
        <LoadFailed error={error} onRetry={() => void load()} />
      ) : items.length === 0 ? (
        <Empty title="No named admins yet" action={newButton}>
          The management token acts as the owner. Add an operator for a project, or a viewer who reads everything and changes nothing.
        </Empty>
      ) : (
        <div className="table-wrap table-stack">
          <table className="table admins-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Projects</th>
                <th scope="col">Token</th>
                <th scope="col">Added</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((admin) => (
                <tr key={admin.id} data-testid={`admin-${admin.name}`}>
                  <td data-label="Name">{admin.name}</td>
                  <td data-label="Role">{ROLE_LABELS[admin.role]}</td>
                  <td data-label="Projects">{admin.role === 'operator' ? admin.project_ids.map((id) => projectName(projects, id) ?? id).join(', ') : 'All'}</td>
                  <td className="mono" data-label="Token">
                    {admin.token}
                  </td>
                  <td data-label="Added">
                    <TimeAgo value={admin.created_at} />
                  </td>
                  <td className="row-actions">
                    <button
                      type="button"
                      className="btn btn-small"
                      onClick={() => setOpen({ kind: 'edit', admin })}
                      aria-label={`Change role of ${admin.name}`}
                    >
                      Change role
                    </button>
                    <button
                      type="button"
                      className="btn btn-small btn-danger-quiet"
                      onClick={() => setOpen({ kind: 'remove', admin })}
                      aria-label={`Remove ${admin.name}`}
                    >
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {open?.kind === 'new' ? <NewAdminDialog projects={projects} onClose={() => setOpen(null)} /> : null}
      {open?.kind === 'edit' ? <EditAdminDialog admin={open.admin} projects={projects} onClose={() => setOpen(null)} /> : null}
      {open?.kind === 'remove' ? <RemoveAdminDialog admin={open.admin} onClose={() => setOpen(null)} /> : null}
      {created && !open ? <CreatedAdminDialog created={created} onClose={dismissCreated} /> : null}
    </div>
  );
}
