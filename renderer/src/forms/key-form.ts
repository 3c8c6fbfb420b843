// Upstream key forms (add, edit label and weight, rotate) → contract inputs, checked with the contract's schemas.
import type { InputOf } from '../../../main/core/api/contract.ts';
import type { UpstreamKeyView } from '../../../main/core/api/views.ts';
import { checkInput, wholeNumberOrNull, type Checked } from './validate.ts';

export interface KeyValues {
  label: string;
  apiKey: string;
  weight: string;
}

export const emptyKey: KeyValues = { label: '', apiKey: '', weight: '1' };

const KEY_FIELDS: Record<string, keyof KeyValues> = { label: 'label', api_key: 'apiKey', weight: 'weight' };
export const keyFieldOf = (path: string): string => KEY_FIELDS[path.split('.')[0] ?? ''] ?? '_form';

const WEIGHT = 'Must be a whole number from 1 to 1000.';

export function checkAddKey(projectId: string, values: KeyValues): Checked<InputOf<'keys.add'>> {
  const weight = wholeNumberOrNull(values.weight);
  if (Number.isNaN(weight)) return { ok: false, errors: { weight: WEIGHT } };
  const input: InputOf<'keys.add'> = { project_id: projectId, label: values.label.trim(), api_key: values.apiKey.trim() };
  if (weight !== null) input.weight = weight;
  return checkInput('keys.add', input, keyFieldOf);
}

/** The edit form starts from the key as it is. */
export function keyValuesOf(key: Pick<UpstreamKeyView, 'label' | 'weight'>): KeyValues {
  return { label: key.label, apiKey: '', weight: String(key.weight) };
}

/** Label and weight; only what changed is sent. */
export function checkEditKey(key: Pick<UpstreamKeyView, 'id' | 'project_id' | 'label' | 'weight'>, values: KeyValues): Checked<InputOf<'keys.update'>> {
  const weight = wholeNumberOrNull(values.weight);
  if (weight === null || Number.isNaN(weight)) return { ok: false, errors: { weight: WEIGHT } };
  const input: InputOf<'keys.update'> = { project_id: key.project_id, id: key.id };
  const label = values.label.trim();
  if (label !== key.label) input.label = label;
  if (weight !== key.weight) input.weight = weight;
  return checkInput('keys.update', input, keyFieldOf);
}

export function checkRotateKey(key: Pick<UpstreamKeyView, 'id' | 'project_id'>, apiKey: string): Checked<InputOf<'keys.update'>> {
  return checkInput('keys.update', { project_id: key.project_id, id: key.id, api_key: apiKey.trim() }, keyFieldOf);
}
