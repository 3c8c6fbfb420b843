// The "Transformations" form: plain text fields (one `alias = model` per line, one `Name: value` per
// line, a comma list of header names) ↔ the contract's transformations, checked with its schema.
import type { InputOf } from '../../../main/core/api/contract.ts';
import type { TransformationsView } from '../../../main/core/api/views.ts';
import { checkInput, wholeNumberOrNull, type Checked, type FieldErrors } from './validate.ts';

export interface TransformationValues {
  defaultModel: string;
  /** `alias = model`, one per line. */
  aliases: string;
  maxTokens: string;
  /** `Name: value`, one per line. */
  setHeaders: string;
  /** Comma- (or line-) separated header names. */
  removeHeaders: string;
  systemPrefix: string;
}

export const emptyTransformations: TransformationValues = { defaultModel: '', aliases: '', maxTokens: '', setHeaders: '', removeHeaders: '', systemPrefix: '' };

export function transformationValuesOf(t: TransformationsView): TransformationValues {
  return {
    defaultModel: t.default_model ?? '',
    aliases: Object.entries(t.model_aliases ?? {})
      .map(([alias, model]) => `${alias} = ${model}`)
      .join('\n'),
    maxTokens: t.max_tokens_ceiling === undefined ? '' : String(t.max_tokens_ceiling),
    setHeaders: Object.entries(t.set_headers ?? {})
      .map(([name, value]) => `${name}: ${value}`)
      .join('\n'),
    removeHeaders: (t.remove_headers ?? []).join(', '),
    systemPrefix: t.system_prompt_prefix ?? '',
  };
}

const FIELDS: Record<string, keyof TransformationValues> = {
  default_model: 'defaultModel',
  model_aliases: 'aliases',
  max_tokens_ceiling: 'maxTokens',
  set_headers: 'setHeaders',
  remove_headers: 'removeHeaders',
  system_prompt_prefix: 'systemPrefix',
};

/** `transformations.set_headers.x-a` (server or schema) → `setHeaders`. */
export function transformationFieldOf(path: string): string {
  const parts = path.split('.');
  const field = parts[0] === 'transformations' ? parts[1] : parts[0];
  return FIELDS[field ?? ''] ?? '_form';
}

/** Lines of `key <sep> value`; blank lines are skipped, a line without the separator is an error. */
function pairs(text: string, sep: '=' | ':', example: string): { ok: true; value: Record<string, string> } | { ok: false; message: string } {
  const value: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (!line) continue;
    const at = line.indexOf(sep);
    const key = at > 0 ? line.slice(0, at).trim() : '';
    if (!key) return { ok: false, message: `Line ${index + 1}: write it as ${example}.` };
    if (Object.prototype.hasOwnProperty.call(value, key)) return { ok: false, message: `Line ${index + 1}: ${key} is given twice.` };
    value[key] = line.slice(at + 1).trim();
  }
  return { ok: true, value };
}

type Transformations = NonNullable<InputOf<'projects.update'>['transformations']>;

/** Reads the text fields; only the typing is checked here, the rules come from the contract's schema. */
export function readTransformations(values: TransformationValues): { ok: true; value: Transformations } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const out: Transformations = {};
  if (values.defaultModel.trim()) out.default_model = values.defaultModel.trim();
  const aliases = pairs(values.aliases, '=', 'alias = model');
  if (!aliases.ok) errors.aliases = aliases.message;
  else if (Object.keys(aliases.value).length) out.model_aliases = aliases.value;
  const ceiling = wholeNumberOrNull(values.maxTokens);
  if (Number.isNaN(ceiling)) errors.maxTokens = 'Must be a whole number, or empty for none.';
  else if (ceiling !== null) out.max_tokens_ceiling = ceiling;
  const headers = pairs(values.setHeaders, ':', 'Name: value');
  if (!headers.ok) errors.setHeaders = headers.message;
  else if (Object.keys(headers.value).length) out.set_headers = headers.value;
  const removed = values.removeHeaders
    .split(/[,\s]+/)
    .map((name) => name.trim())
    .filter(Boolean);
  if (removed.length) out.remove_headers = removed;
  // The prefix is sent as typed (leading spaces and line breaks may matter); only an all-blank one is none.
  if (values.systemPrefix.trim()) out.system_prompt_prefix = values.systemPrefix;
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, value: out };
}

/** The whole object is sent: an empty field removes that transformation. */
export function checkTransformations(projectId: string, values: TransformationValues): Checked<InputOf<'projects.update'>> {
  const read = readTransformations(values);
  if (!read.ok) return read;
  return checkInput('projects.update', { id: projectId, transformations: read.value }, transformationFieldOf);
}
