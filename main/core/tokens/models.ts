// Model allow-lists are globs: `gpt-4o-mini`, `gpt-4o*`, `*-mini`, `*`. Only `*` and `?` are special.
const compiled = new Map<string, RegExp>();

function toRegExp(glob: string): RegExp {
  let re = compiled.get(glob);
  if (!re) {
    const body = glob
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.');
    re = new RegExp(`^${body}$`);
    compiled.set(glob, re);
  }
  return re;
}

/** One glob against one model name (also used by per-project price overrides). */
export function modelMatches(glob: string, model: string): boolean {
  return toRegExp(glob).test(model);
}

/** null allow-list = every model. A request naming no model passes only an unrestricted token. */
export function modelAllowed(allowed: readonly string[] | null, model: string | null): boolean {
  if (allowed === null) return true;
  if (model === null) return false;
  return allowed.some((glob) => toRegExp(glob).test(model));
}
