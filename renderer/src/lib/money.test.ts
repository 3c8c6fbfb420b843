// Money as shown: USD amounts, "unpriced" instead of $0, and the Dashboard's spend summary.
import { describe, expect, it } from 'vitest';
import type { UsageDailyRowView } from '../../../main/core/api/event-views.ts';
import { formatUsd, spendSummary, spendText } from './money.ts';

describe('money text', () => {
  it('shows cents from a dollar up and three significant digits below', () => {
    expect([formatUsd(0), formatUsd(1234.5), formatUsd(1), formatUsd(0.048), formatUsd(0.0000123)]).toEqual([
      '$0',
      '$1,234.50',
      '$1.00',
      '$0.048',
      '$0.0000123',
    ]);
  });

  it('never shows unpriced spend as $0', () => {
    expect(spendText(0, 3)).toBe('unpriced');
    expect(spendText(0.5, 1)).toBe('$0.5 + unpriced');
    expect(spendText(0, 0)).toBe('$0');
  });
});

const row = (id: string, models: UsageDailyRowView['models']): UsageDailyRowView => ({
  id,
  requests: [0, 0],
  prompt_tokens: [0, 0],
  completion_tokens: [0, 0],
  cache_hits: [0, 0],
  spend_usd: [0, 0],
  unpriced_requests: [0, 0],
  models,
  total: { requests: 0, prompt_tokens: 0, completion_tokens: 0, cache_hits: 0, spend_usd: 0, unpriced_requests: 0 },
});
const model = (name: string, spend: number[], unpriced: number[]) => ({
  model: name,
  spend_usd: spend,
  unpriced_requests: unpriced,
  total: { spend_usd: spend.reduce((a, b) => a + b, 0), unpriced_requests: unpriced.reduce((a, b) => a + b, 0) },
});

describe('spend summary', () => {
  it('sums today (the last day) and the window per model across projects, exactly', () => {
    const view = {
      group_by: 'project' as const,
      days: ['2026-05-01', '2026-05-02'],
      rows: [row('a', [model('gpt-4o', [0.1, 0.2], [0, 0]), model('llama3', [0, 0], [2, 1])]), row('b', [model('gpt-4o', [0.1, 0.4], [0, 0])])],
    };
    const s = spendSummary(view);
    expect(s).toMatchObject({ todayUsd: 0.6, monthUsd: 0.8, todayUnpriced: 1, monthUnpriced: 3 });
    expect(s.models).toEqual([
      { model: 'gpt-4o', todayUsd: 0.6, todayUnpriced: 0, monthUsd: 0.8, monthUnpriced: 0 },
      { model: 'llama3', todayUsd: 0, todayUnpriced: 1, monthUsd: 0, monthUnpriced: 3 },
    ]);
  });
});
