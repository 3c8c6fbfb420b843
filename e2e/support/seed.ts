// Fills a server with a realistic mix (projects, tokens in every state, traffic, refusals) through the
// same rpc door the screens use, so screenshots show the screens as people will see them.
import OpenAI from 'openai';
import type { AdminMethod, InputOf, OutputOf } from '../../main/core/api/contract.ts';
import type { RunningServer } from './start-server.ts';

export async function rpc<M extends AdminMethod>(server: RunningServer, method: M, input: InputOf<M>): Promise<OutputOf<M>> {
  const res = await fetch(`${server.url}/manage/rpc/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${server.managementToken}` },
    body: JSON.stringify(input),
  });
  const body = (await res.json()) as { value: OutputOf<M>; error?: string };
  if (!res.ok) throw new Error(`${method}: ${res.status} ${body.error}`);
  return body.value;
}

async function use(server: RunningServer, token: string, times: number, model = 'gpt-4o-mini'): Promise<void> {
  const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: token, maxRetries: 0 });
  for (let i = 0; i < times; i++) {
    await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] }).catch(() => undefined);
  }
}

export async function seed(server: RunningServer, upstreamUrl: string): Promise<void> {
  const research = await rpc(server, 'projects.create', { name: 'research-notebooks', api_key: 'sk-proj-research-0000-8f3a', base_url: upstreamUrl });
  const agents = await rpc(server, 'projects.create', {
    name: 'coding-agents',
    api_key: 'sk-proj-agents-1111-c21d',
    base_url: upstreamUrl,
    default_rpm_limit: 120,
    default_tpm_limit: 40_000,
    shared_rpm_limit: 600,
  });
  const legacy = await rpc(server, 'projects.create', { name: 'legacy-batch-jobs', api_key: 'sk-legacy-2222-77b0', base_url: upstreamUrl });

  const laptop = await rpc(server, 'tokens.create', {
    project_id: research.id,
    duration_minutes: 8 * 60,
    max_requests: 500,
    name: 'notebook on laptop',
    allowed_models: ['gpt-4o-mini'],
    rpm_limit: 60,
    tpm_limit: 20_000,
    max_concurrent: 2,
  });
  await use(server, laptop.token, 12);
  const agent = await rpc(server, 'tokens.create', {
    project_id: agents.id,
    duration_minutes: 45,
    max_requests: 20,
    name: 'claude-code session',
    allowed_models: null,
  });
  await use(server, agent.token, 17);
  const ci = await rpc(server, 'tokens.create', {
    project_id: agents.id,
    duration_minutes: 7 * 24 * 60,
    max_requests: null,
    name: 'CI review bot',
    allowed_models: ['gpt-4.1-*', 'gpt-4o'],
  });
  await use(server, ci.token, 5, 'gpt-4o');
  await use(server, ci.token, 1, 'o3');
  const spent = await rpc(server, 'tokens.create', {
    project_id: research.id,
    duration_minutes: 60,
    max_requests: 3,
    name: 'one-off experiment',
    allowed_models: null,
  });
  await use(server, spent.token, 4);
  const old = await rpc(server, 'tokens.create', { project_id: research.id, duration_minutes: 24 * 60, name: 'shared demo', max_requests: 100 });
  await use(server, old.token, 2);
  await rpc(server, 'tokens.revoke', { id: old.id });
  await use(server, old.token, 1);
  await rpc(server, 'tokens.create', { project_id: legacy.id, duration_minutes: 30 * 24 * 60, name: null, max_requests: 10_000 });
  await rpc(server, 'projects.update', { id: legacy.id, is_active: false });
  // Two a minute, asked three times: one refusal for the dashboard's "rate-limited" count.
  const burst = await rpc(server, 'tokens.create', {
    project_id: research.id,
    duration_minutes: 2 * 60,
    name: 'burst script',
    max_requests: null,
    rpm_limit: 2,
  });
  await use(server, burst.token, 3);
  await use(server, 'llmp_not-a-real-token', 1);
}
