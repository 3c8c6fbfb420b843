// Parses untrusted input against the contract. Used by every door (REST, IPC) and by the screens' forms.
import type { z } from 'zod';
import { AppError } from '../errors.ts';
import { adminContract, type AdminMethod, type ParsedInputOf } from './contract.ts';

export function issuesOf(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(input)',
    message: issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : issue.message,
  }));
}

export function describeIssues(issues: { path: string; message: string }[]): string {
  return issues.map((i) => (i.path === '(input)' ? i.message : `${i.path}: ${i.message}`)).join('; ');
}

export function parseInput<M extends AdminMethod>(method: M, raw: unknown): ParsedInputOf<M> {
  const result = adminContract[method].input.safeParse(raw ?? {});
  if (!result.success) {
    const issues = issuesOf(result.error);
    throw new AppError('validation_failed', `Invalid input: ${describeIssues(issues)}`, issues);
  }
  return result.data as ParsedInputOf<M>;
}
