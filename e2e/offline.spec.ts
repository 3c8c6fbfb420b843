// When the server goes away: the status says Offline, the screens keep what they loaded (marked stale),
// actions that need the server are disabled with the reason, and everything refreshes when it is back.
import { expect, test } from './support/fixtures.ts';
import { expectNoSidewaysScroll } from './support/layout.ts';
import { goTo, signIn } from './support/screens.ts';
import { rpc } from './support/seed.ts';

test('the server goes away and comes back', async ({ page, server, upstream, consoleWatch }) => {
  // A seeded server and every screen (or a server restart): more than the default minute on a busy machine.
  test.slow();
  // Polling a stopped server is refused by the network; that is the point of this test.
  consoleWatch.allow(/Failed to load resource: net::ERR_CONNECTION_REFUSED/);
  const project = await rpc(server, 'projects.create', { name: 'coding-agents', api_key: 'sk-agents-1111', base_url: upstream.url });
  await rpc(server, 'tokens.create', { project_id: project.id, duration_minutes: 45, max_requests: 20, name: 'claude-code session' });
  await signIn(page, server.url, server.managementToken);
  const status = page.getByRole('navigation', { name: 'Screens' }).getByRole('status');
  await expect(status).toHaveText('Online');
  await goTo(page, 'Tokens');
  const row = page.getByRole('row').filter({ hasText: 'claude-code session' });
  await expect(row).toContainText('0 / 20');

  await server.pause();
  const banner = page.getByRole('alert').filter({ hasText: 'stopped answering' });
  await expect(banner).toContainText('What you see is stale');
  await expect(status).toHaveText('Offline');
  await expect(row).toContainText('0 / 20');
  const mint = page.getByRole('button', { name: 'Mint token' });
  await expect(mint).toBeDisabled();
  await expect(mint).toHaveAttribute('title', /The server is not answering/);
  await expect(row.getByRole('button', { name: 'Revoke claude-code session' })).toBeDisabled();
  await expectNoSidewaysScroll(page, 'Tokens while offline');

  // Another screen shows what it loaded before instead of an error.
  await goTo(page, 'Projects');
  const agents = page.getByRole('listitem', { name: 'coding-agents' });
  await expect(agents).toBeVisible();
  await expect(banner).toBeVisible();
  await expect(page.getByRole('button', { name: 'New project' }).first()).toBeDisabled();
  await expect(agents.getByRole('button', { name: 'Deactivate' })).toBeDisabled();

  // Back: the status turns, the banner goes, and the list refreshes by itself (Projects does not poll).
  await server.resume();
  await rpc(server, 'projects.create', { name: 'born-while-away', api_key: 'sk-away-0000', base_url: upstream.url });
  await expect(status).toHaveText('Online');
  await expect(banner).toHaveCount(0);
  await expect(page.getByRole('listitem', { name: 'born-while-away' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'New project' }).first()).toBeEnabled();
});
