// Structured logs (pino) with credentials removed by the shared redaction, whatever the caller passes.
import { pino, type Logger, type LevelWithSilent } from 'pino';
import type { Writable } from 'node:stream';
import { redact, redactString } from './redact.ts';

export function createLogger(level: LevelWithSilent, destination?: Writable): Logger {
  return pino(
    {
      level,
      base: undefined,
      formatters: { log: (object) => redact(object) },
      hooks: {
        logMethod(args, method) {
          const safe = args.map((arg) => (typeof arg === 'string' ? redactString(arg) : arg)) as Parameters<typeof method>;
          method.apply(this, safe);
        },
      },
    },
    destination ?? pino.destination({ fd: 2, sync: false }),
  );
}
