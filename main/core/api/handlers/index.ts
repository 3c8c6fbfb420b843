// Every contract method's handler, one module per domain. `satisfies AdminHandlers` makes tsc fail when
// a contract method has no handler.
import type { EventHandlers } from '../../events/admin-handlers.ts';
import type { SettingsService } from '../../settings/settings-service.ts';
import type { AdminHandlers, HandlerDeps } from '../handler-types.ts';
import { createNamedAdminHandlers } from './admins.ts';
import { createAuditHandlers } from './audit.ts';
import { createCacheHandlers } from './cache.ts';
import { createKeyHandlers } from './keys.ts';
import { createProjectHandlers } from './projects.ts';
import { createRequestHandlers } from './requests.ts';
import { createSettingsHandlers } from './settings.ts';
import { createSystemHandlers } from './system.ts';
import { createTokenHandlers } from './tokens.ts';

export function createAdminHandlers(deps: HandlerDeps & { eventHandlers: EventHandlers; settings: SettingsService }): AdminHandlers {
  return {
    ...createProjectHandlers(deps),
    ...createKeyHandlers(deps),
    ...createTokenHandlers(deps),
    ...createAuditHandlers(deps),
    ...createCacheHandlers(deps),
    ...createRequestHandlers(deps),
    ...createSystemHandlers(deps),
    ...createNamedAdminHandlers(deps),
    ...createSettingsHandlers(deps),
    ...deps.eventHandlers,
  } satisfies AdminHandlers;
}
