// Money in the CLI against the real app: budgets set with --max-budget-usd / --monthly-budget-usd, and the
// spend `token list`, `token get` and `project list` print is the API's and /metrics's number for the same
// token (chats through the openai SDK, priced by the project's own prices: 0.016 USD a chat).
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../core/testing/mock-upstream.ts';
import { startTestApp, type TestApp } from '../core/testing/test-app.ts';
import { run } from './test-support.ts';

let t: TestApp;
let upstream: MockUpstream;
beforeAll(async () => {
  upstream = await startMockUpstream();
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
  await upstream?.close();
});

const cli = (...args: string[]) => run([...args, '--url', t.url, '--management-token', t.managementToken]);
/** The cells of the table line that holds `id`. */
const cellsOf = (table: string, id: string) =>
  table
    .split('\n')
    .find((line) => line.includes(id))!
    .split('│')
    .map((c) => c.trim());

describe('money in the CLI', () => {
  it('sets budgets and prints the same spend as the API and /metrics', async () => {
    const created = await cli(
      'project',
      'create',
      '--name',
      'money-cli',
      '--api-key',
      'sk-cli-money-key-1234',
      '--provider',
      'openai-compatible',
      '--base-url',
      upstream.url,
      '--monthly-budget-usd',
      '10',
      '--json',
    );
    expect(created.code, created.stderr).toBe(0);
    const project = JSON.parse(created.stdout);
    expect(project.monthly_budget_usd).toBe(10);
    await t.manage('PATCH', `/manage/projects/${project.id}`, { prices: { 'gpt-4o*': { input_per_mtok: 1000, output_per_mtok: 1000 } } });

    const minted = await cli('token', 'create', '--project', 'money-cli', '--max-budget-usd', '1', '--json');
    expect(minted.code, minted.stderr).toBe(0);
    const token = JSON.parse(minted.stdout);
    expect(token.max_budget_usd).toBe(1);

    const client = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: token.token, maxRetries: 0 });
    for (let i = 0; i < 3; i++) await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    await t.app.flush();

    const api = (await t.manage('GET', `/manage/tokens/${token.id}`)).json.spend_usd as number;
    expect(api).toBe(0.048);
    const metrics = await (await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${t.managementToken}` } })).text();
    const line = metrics.split('\n').find((l) => l.startsWith(`llm_proxy_spend_usd_total{project="${project.id}",model="gpt-4o-mini"}`));
    const fromMetrics = Number(line?.split(' ').at(-1));

    const list = await cli('token', 'list', '--project', 'money-cli');
    expect(list.stdout).toMatch(/│ Spend\s+│/);
    const listed = cellsOf(list.stdout, token.id).find((c) => c.startsWith('$'))!;
    expect(listed).toBe(`$${api} / $1`);
    expect(Number(listed.slice(1).split(' ')[0])).toBe(fromMetrics);

    const got = (await cli('token', 'get', token.id)).stdout;
    expect(got).toMatch(/Budget\s+│ \$1 over the token's life/);
    expect(got).toMatch(new RegExp(`Spend\\s+│ \\$${api}\\s`));

    const projects = await cli('project', 'list');
    expect(cellsOf(projects.stdout, project.id)).toEqual(expect.arrayContaining([`$${api} / $10`, `$${api}`]));
    expect((await cli('project', 'get', 'money-cli')).stdout).toMatch(/Prices\s+│ gpt-4o\*: \$1000 in, \$1000 out per million tokens/);
  });

  it('changes and removes budgets with update; a bad amount is a usage error', async () => {
    const project = JSON.parse((await cli('project', 'create', '--name', 'money-cli-2', '--api-key', 'sk-cli-money-key-5678', '--json')).stdout);
    const token = JSON.parse((await cli('token', 'create', '--project', project.id, '--json')).stdout);
    expect(token.max_budget_usd).toBeNull();

    expect((await cli('token', 'update', token.id, '--max-budget-usd', '2.5')).stdout).toMatch(/Budget\s+│ \$2\.5 over/);
    expect((await t.manage('GET', `/manage/tokens/${token.id}`)).json.max_budget_usd).toBe(2.5);
    expect((await cli('token', 'update', token.id, '--max-budget-usd', 'none')).stdout).toMatch(/Budget\s+│ none/);
    expect((await t.manage('GET', `/manage/tokens/${token.id}`)).json.max_budget_usd).toBeNull();

    expect((await cli('project', 'update', 'money-cli-2', '--monthly-budget-usd', '0.25')).code).toBe(0);
    expect((await t.manage('GET', `/manage/projects/${project.id}`)).json.monthly_budget_usd).toBe(0.25);
    expect((await cli('project', 'update', 'money-cli-2', '--monthly-budget-usd', 'none')).code).toBe(0);
    expect((await t.manage('GET', `/manage/projects/${project.id}`)).json.monthly_budget_usd).toBeNull();

    for (const bad of ['0', '-1', 'lots']) {
      const refused = await cli('token', 'update', token.id, '--max-budget-usd', bad);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('--max-budget-usd');
    }
  });
});
