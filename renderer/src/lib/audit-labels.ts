// Audit actions in words. Unknown actions (new ones, failed calls named after the method) show as-is.
const LABELS: Record<string, string> = {
  'project.create': 'Project created',
  'project.update': 'Project changed',
  'project.deactivate': 'Project deactivated',
  'project.activate': 'Project reactivated',
  'project.tokens_revoke': 'All tokens of project revoked',
  'upstream_key.add': 'Upstream key added',
  'upstream_key.update': 'Upstream key changed',
  'upstream_key.enable': 'Upstream key enabled',
  'upstream_key.disable': 'Upstream key disabled',
  'upstream_key.rotate': 'Upstream key rotated',
  'upstream_key.remove': 'Upstream key removed',
  'token.create': 'Token minted',
  'token.update': 'Token changed',
  'token.revoke': 'Token revoked',
  'token.reactivate': 'Token reactivated',
  'proxy.refused': 'Request refused',
  'cache.purge': 'Cache purged',
};

/** Actions offered in the audit filter (free text is accepted too). */
export const KNOWN_ACTIONS = Object.keys(LABELS);

export function actionLabel(action: string): string {
  const label = LABELS[action];
  if (label) return label;
  if (/^[a-z]+\.[a-zA-Z]+$/.test(action)) return `${action} failed`;
  return action;
}
