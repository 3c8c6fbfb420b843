// Each top-level command's one-line summary, apart from the registry so command modules can read
// their own without importing the registry that loads them.

export const commandSummaries = {
  serve: 'run the proxy (/v1), the management API (/manage) and the admin screens (/admin)',
  exec: 'run a command with a fresh token of a project in its environment, revoked when it ends',
  migrate: 'apply, revert or list database schema migrations',
  db: 'move data between stores',
  project: 'manage projects (each holds one or more upstream API keys)',
  token: 'mint, list and revoke tokens',
  admin: 'named admins of a shared proxy: create, list, update, remove, rotate',
  audit: 'read the audit trail',
  requests: 'the request log: who called which model, with usage, cost and latency',
  cache: 'see and purge the response cache',
  tls: 'HTTPS certificates',
} as const;

export type CommandName = keyof typeof commandSummaries;

export const summaryOf = (name: CommandName): string => commandSummaries[name];
