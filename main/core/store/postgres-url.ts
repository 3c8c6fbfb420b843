// A PostgreSQL URL as it may be shown (logs, /ready, system info, the migrate command).

/** The URL without user, password or query (options may carry secrets). */
export function redactPostgresUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname}`;
  } catch {
    return 'postgres://(unparseable URL)';
  }
}
