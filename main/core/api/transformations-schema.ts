// The wire schema of a project's transformations (snake_case, as REST, IPC, the CLI and the screens send
// them). Browser-safe: the screens check their forms with it. main/core/api/transformations.ts maps it to
// the store's camelCase ProjectTransformations and back.
import { z } from 'zod';

/** RFC 9110 token characters, lower-case (names are compared and stored lower-cased). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;

/**
 * Headers a transformation may neither set nor remove: every header a provider reads a credential from
 * (`credentialHeaders` in main/core/proxy/providers.ts, checked by a test), and the ones that describe
 * the connection or the body, which the proxy owns.
 */
export const protectedHeaders: readonly string[] = [
  'authorization',
  'proxy-authorization',
  'x-api-key',
  'api-key',
  'cookie',
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'upgrade',
];

export const MAX_ALIASES = 100;
export const MAX_HEADERS = 50;

/** Why a header name cannot be used (after trimming and lower-casing), or null. */
export function headerNameProblem(raw: string): string | null {
  const name = raw.trim().toLowerCase();
  if (name === '') return 'a header name must not be empty';
  if (name.length > 100) return 'a header name must be at most 100 characters';
  if (!HEADER_NAME.test(name)) return `"${name.slice(0, 100)}" is not a header name (letters, digits and ! # $ % & ' * + - . ^ _ \` | ~)`;
  if (protectedHeaders.includes(name)) return `${name} cannot be set or removed (credentials and connection headers belong to the proxy)`;
  return null;
}

const MODEL_NAME = /^[\w.:/@-]+$/;
const MODEL_NAME_RULE = 'may hold letters, digits and . _ - : / @';

const modelName = z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters').regex(MODEL_NAME, MODEL_NAME_RULE);

/** `{ "fast": "gpt-4o-mini" }`: exact, case-sensitive names. */
const modelAliases = z.record(z.string(), modelName).superRefine((aliases, ctx) => {
  const names = Object.keys(aliases);
  if (names.length > MAX_ALIASES) ctx.addIssue({ code: 'custom', message: `must hold at most ${MAX_ALIASES} aliases` });
  for (const alias of names) {
    const trimmed = alias.trim();
    if (trimmed === '' || trimmed.length > 200 || !MODEL_NAME.test(trimmed)) {
      ctx.addIssue({ code: 'custom', message: `alias "${trimmed.slice(0, 200)}" ${trimmed === '' ? 'must not be empty' : MODEL_NAME_RULE}`, path: [alias] });
    }
  }
});

const headerValue = z
  .string({ error: 'must be a string' })
  .max(1000, 'must be at most 1000 characters')
  .regex(/^[\x20-\x7e]*$/, 'must be printable ASCII on one line');

const setHeaders = z
  .record(z.string(), headerValue)
  .superRefine((headers, ctx) => {
    const names = Object.keys(headers);
    if (names.length > MAX_HEADERS) ctx.addIssue({ code: 'custom', message: `must hold at most ${MAX_HEADERS} headers` });
    const seen = new Set<string>();
    for (const name of names) {
      const problem = headerNameProblem(name);
      if (problem) ctx.addIssue({ code: 'custom', message: problem, path: [name] });
      const lower = name.trim().toLowerCase();
      if (seen.has(lower)) ctx.addIssue({ code: 'custom', message: `${lower} is given twice`, path: [name] });
      seen.add(lower);
    }
  })
  .transform((headers) => Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.trim().toLowerCase(), value.trim()])));

const removeHeaders = z
  .array(z.string({ error: 'must be a header name' }))
  .max(MAX_HEADERS, `must hold at most ${MAX_HEADERS} headers`)
  .superRefine((names, ctx) => {
    names.forEach((name, index) => {
      const problem = headerNameProblem(name);
      if (problem) ctx.addIssue({ code: 'custom', message: problem, path: [index] });
    });
  })
  .transform((names) => [...new Set(names.map((name) => name.trim().toLowerCase()))]);

/** A project's request rewrites; every field optional, unknown fields refused. */
export const projectTransformations = z
  .object({
    /** Used when a request names no model. */
    default_model: modelName.optional(),
    model_aliases: modelAliases.optional(),
    /** max_tokens (and its newer names) lowered to this, and set when missing. */
    max_tokens_ceiling: z.number().int('must be a whole number').min(1, 'must be at least 1').max(10_000_000, 'must be at most 10000000').optional(),
    set_headers: setHeaders.optional(),
    remove_headers: removeHeaders.optional(),
    /** Put before the system prompt (or sent as one when there is none). */
    system_prompt_prefix: z.string().min(1, 'must not be empty (leave it out for none)').max(10_000, 'must be at most 10000 characters').optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (!value.set_headers || !value.remove_headers) return;
    for (const name of value.remove_headers) {
      if (name in value.set_headers) ctx.addIssue({ code: 'custom', message: `${name} is both set and removed`, path: ['remove_headers'] });
    }
  });

export type ProjectTransformationsInput = z.input<typeof projectTransformations>;
export type ProjectTransformationsParsed = z.output<typeof projectTransformations>;
