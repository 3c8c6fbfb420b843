// The field schemas the contract's inputs are built from (ids, names, keys, limits, URLs, times).
// Browser-safe like the contract: the screens validate forms with them.
import { z } from 'zod';
import type { Provider } from '../store/types.ts';
import { upstreamUrlProblem } from './upstream-url.ts';

export const id = z.string().uuid({ message: 'must be an id (UUID)' });
export const name = z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters');
export const apiKey = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(1000, 'is too long')
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

/**
 * The provider ids. Their definitions (endpoints, auth, default base URL) live in
 * main/core/proxy/providers.ts; this copy keeps the contract free of the request path's code.
 */
export const providerIds = ['openai', 'anthropic', 'openai-compatible', 'azure'] as const satisfies readonly Provider[];
/** Fails to compile when the store's Provider union has an id the list above lacks. */
export type EveryProviderListed = AssertNever<Exclude<Provider, (typeof providerIds)[number]>>;
type AssertNever<T extends never> = T;
/** Names one of a project's upstream keys; unique within the project. */
export const upstreamKeyLabel = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(50, 'must be at most 50 characters')
  .refine((value) => !hasControlCharacters(value), 'must not contain control characters');
/** Share of the project's requests relative to its other enabled keys. */
export const upstreamKeyWeight = z.number().int('must be a whole number').min(1, 'must be at least 1').max(1000, 'must be at most 1000');
export const provider = z.enum(providerIds, { error: `must be one of ${providerIds.join(', ')}` });

/** http(s) origins only; no credentials, query or fragment; never cloud metadata / link-local addresses (./upstream-url.ts). */
export const baseUrl = z
  .string()
  .trim()
  .max(2000)
  .superRefine((value, ctx) => {
    const problem = upstreamUrlProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .transform((value) => value.replace(/\/+$/, '').replace(/\/v1$/, ''));

function hasControlCharacters(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

export const allowedModels = z
  .array(
    z
      .string()
      .trim()
      .min(1)
      .max(200)
      .regex(/^[\w.:/*?@-]+$/, 'may hold letters, digits, . _ - : / @ and the wildcards * ?'),
  )
  .max(100)
  .nullable();

/** Per minute; 0 = no limit. On a token, null = the project's default. */
export const perMinute = (max: number) => z.number().int('must be a whole number').min(0, 'must not be negative').max(max, `must be at most ${max}`).nullable();
export const rpmLimit = perMinute(1_000_000_000);
export const tpmLimit = perMinute(1_000_000_000_000);
export const maxConcurrent = z.number().int('must be a whole number').min(0, 'must not be negative').max(100_000, 'must be at most 100000').nullable();
/** Names a shared budget; null = a fingerprint of the upstream key. */
export const sharedLimitKey = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters')
  .regex(/^[\w.:-]+$/, 'may hold letters, digits and . _ - :')
  .nullable();
export const projectLimits = {
  default_rpm_limit: rpmLimit.optional(),
  default_tpm_limit: tpmLimit.optional(),
  shared_rpm_limit: rpmLimit.optional(),
  shared_tpm_limit: tpmLimit.optional(),
  shared_limit_key: sharedLimitKey.optional(),
};
/** Response cache per project: default TTL of POST answers (null = the server's, 0 = opt-in only), sharing between tokens. */
export const projectCache = {
  cache_default_ttl_seconds: z
    .number()
    .int('must be a whole number')
    .min(0, 'must not be negative')
    .max(31_536_000, 'must be at most 31536000 (one year)')
    .nullable()
    .optional(),
  cache_shared_across_tokens: z.boolean().optional(),
};
/** Path and query of a proxied URL (`/v1/embeddings`); a full URL is reduced to them. */
export const cacheUrl = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(2000, 'is too long')
  .transform((value, ctx) => {
    if (value.startsWith('/')) return value;
    try {
      const url = new URL(value);
      return url.pathname + url.search;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a path such as /v1/embeddings or a full URL' });
      return z.NEVER;
    }
  });
export const tokenLimits = { rpm_limit: rpmLimit.optional(), tpm_limit: tpmLimit.optional(), max_concurrent: maxConcurrent.optional() };

export const maxRequests = z.number().int('must be a whole number').min(0, 'must not be negative').max(1_000_000_000).nullable();
export const flag = z.union([z.boolean(), z.enum(['true', 'false', '1', '0'])]).transform((v) => v === true || v === 'true' || v === '1');
export const pageNumber = z.coerce.number().int().min(1);
export const isoTime = z.union([z.string().datetime({ offset: true }), z.string().date()]).transform((v) => Date.parse(v));
