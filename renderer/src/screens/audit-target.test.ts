// Audit rows name what an event is about in words: a key by its label (the server's target_label), not its id.
import { describe, expect, it } from 'vitest';
import { auditEvent } from '../testing/views.ts';
import { describeTarget } from './audit.tsx';

const PROJECT = '0190a000-0000-7000-8000-000000000001';
const KEY = '0190a000-0000-7000-8000-0000000000ee';
const projectName = (id: string | null) => (id === PROJECT ? 'research' : null);
const tokenName = () => null;

describe('audit target', () => {
  it('names an upstream key by its label', () => {
    const event = auditEvent({
      action: 'upstream_key.rotate',
      target_type: 'upstream_key',
      target_id: KEY,
      project_id: PROJECT,
      target_label: 'backup',
      details: { label: 'backup', weight: 1 },
    });
    expect(describeTarget(event, projectName, tokenName)).toBe('key “backup” in research');
  });

  it('falls back to a short id when the server knows no label', () => {
    const event = auditEvent({ action: 'upstream_key.remove', target_type: 'upstream_key', target_id: KEY, project_id: null, target_label: null, details: {} });
    expect(describeTarget(event, projectName, tokenName)).toBe('key 0190a000…');
  });
});
