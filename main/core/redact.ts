// The one place credentials are removed before anything is logged, audited or published.
// Two nets: fields whose names say "secret", and values that look like a token or a provider key.

const SECRET_FIELD =
  /^(authorization|proxy-authorization|x-api-key|api-key|api_key|apikey|token|secret|password|cookie|set-cookie|management_token|managementtoken|encryption_key|encryptionkey)$/i;

const SECRET_VALUE_PATTERNS: RegExp[] = [
  /llmp_[0-9a-f]{32}[A-Za-z0-9_-]{10,}/g, // our withering tokens
  /llmp_admin_[A-Za-z0-9_-]{10,}/g, // named admins' tokens
  /\b(sk|rk|pk)-[A-Za-z0-9_-]{8,}/g, // OpenAI / Anthropic style keys
  /\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/gi,
];

export const REDACTED = '[redacted]';

export function redactString(text: string, extraSecrets: readonly string[] = []): string {
  let out = text;
  for (const secret of extraSecrets) if (secret.length >= 6) out = out.split(secret).join(REDACTED);
  for (const pattern of SECRET_VALUE_PATTERNS) out = out.replace(pattern, REDACTED);
  return out;
}

export function redact<T>(value: T, extraSecrets: readonly string[] = [], depth = 0): T {
  if (depth > 8) return REDACTED as T;
  if (typeof value === 'string') return redactString(value, extraSecrets) as T;
  if (Array.isArray(value)) return value.map((item) => redact(item, extraSecrets, depth + 1)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] = SECRET_FIELD.test(key) ? REDACTED : redact(item, extraSecrets, depth + 1);
    }
    return out as T;
  }
  return value;
}
