// The Tokens list: working tokens first, search by name / id / project, state filter, who offers Revoke.
import { describe, expect, it } from 'vitest';
import { tokenView } from '../testing/views.ts';
import { activeFirst, canRevoke, matchesSearch, tokensToShow } from './token-list.ts';

const A = '0190a000-0000-7000-8000-00000000000a';
const B = '0190a000-0000-7000-8000-00000000000b';
const names: Record<string, string> = { [A]: 'research-notebooks', [B]: 'coding-agents' };
const nameOf = (id: string) => names[id] ?? '';

const revoked = tokenView({ name: 'old demo', project_id: A, status: 'revoked', is_active: false, created_at: '2025-01-03T00:00:00.000Z' });
const active = tokenView({ name: 'laptop', project_id: A, status: 'active', created_at: '2025-01-01T00:00:00.000Z' });
const newer = tokenView({ name: 'ci bot', project_id: B, status: 'active', created_at: '2025-01-02T00:00:00.000Z' });
const expired = tokenView({ name: 'yesterday', project_id: B, status: 'expired', created_at: '2025-01-04T00:00:00.000Z' });
const spent = tokenView({ name: 'one-off', project_id: A, status: 'exhausted', created_at: '2025-01-05T00:00:00.000Z' });

describe('token list', () => {
  it('puts working tokens first (newest first within a state), finished ones last', () => {
    expect([revoked, active, expired, newer, spent].sort(activeFirst).map((t) => t.name)).toEqual(['ci bot', 'laptop', 'one-off', 'yesterday', 'old demo']);
  });

  it('searches every word in name, id, masked value and project name', () => {
    expect(matchesSearch(active, 'research-notebooks', 'LAPTOP')).toBe(true);
    expect(matchesSearch(active, 'research-notebooks', 'research lap')).toBe(true);
    expect(matchesSearch(active, 'research-notebooks', active.id.slice(-6))).toBe(true);
    expect(matchesSearch(active, 'research-notebooks', '…abcd')).toBe(true);
    expect(matchesSearch(active, 'research-notebooks', 'coding')).toBe(false);
    expect(matchesSearch(active, 'research-notebooks', '   ')).toBe(true);
  });

  it('filters by project, state and search together', () => {
    const all = [revoked, active, expired, newer, spent];
    expect(tokensToShow(all, { projectId: '', status: 'all', search: 'agents' }, nameOf).map((t) => t.name)).toEqual(['ci bot', 'yesterday']);
    expect(tokensToShow(all, { projectId: A, status: 'all', search: '' }, nameOf).map((t) => t.name)).toEqual(['laptop', 'one-off', 'old demo']);
    expect(tokensToShow(all, { projectId: '', status: 'expired', search: '' }, nameOf).map((t) => t.name)).toEqual(['yesterday']);
  });

  it('offers Revoke only while a token could still be used', () => {
    expect(canRevoke(active)).toBe(true);
    expect(canRevoke(spent)).toBe(true);
    expect(canRevoke(expired)).toBe(false);
    expect(canRevoke(revoked)).toBe(false);
  });
});
