// Every schema step, oldest first. A static list rather than a glob, because globbing breaks once
// main is bundled. To add a step: create NNNN_name.ts, append it here, regenerate schema.snapshot.sql.
// Never edit a step that has been released: databases out there already ran it.
import type { Migration } from './migration.ts';
import * as m0001 from './0001_initial.ts';
import * as m0002 from './0002_usage_hourly.ts';
import * as m0003 from './0003_rate_limits.ts';
import * as m0004 from './0004_request_events.ts';
import * as m0005 from './0005_project_cache.ts';
import * as m0006 from './0006_upstream_keys.ts';
import * as m0007 from './0007_event_cursor_leases.ts';
import * as m0008 from './0008_token_quota_reservations.ts';
import * as m0009 from './0009_admins.ts';
import * as m0010 from './0010_money.ts';
import * as m0011 from './0011_request_log.ts';
import * as m0012 from './0012_settings.ts';
import * as m0013 from './0013_spend_unpriced.ts';

export type { Migration } from './migration.ts';

export const migrations: Migration[] = [
  { name: '0001_initial', up: m0001.up, down: m0001.down, postgres: m0001.postgres },
  { name: '0002_usage_hourly', up: m0002.up, down: m0002.down, postgres: m0002.postgres },
  { name: '0003_rate_limits', up: m0003.up, down: m0003.down, postgres: m0003.postgres },
  { name: '0004_request_events', up: m0004.up, down: m0004.down, postgres: m0004.postgres },
  { name: '0005_project_cache', up: m0005.up, down: m0005.down, postgres: m0005.postgres },
  { name: '0006_upstream_keys', up: m0006.up, down: m0006.down, postgres: m0006.postgres },
  { name: '0007_event_cursor_leases', up: m0007.up, down: m0007.down, postgres: m0007.postgres },
  { name: '0008_token_quota_reservations', up: m0008.up, down: m0008.down, postgres: m0008.postgres },
  { name: '0009_admins', up: m0009.up, down: m0009.down, postgres: m0009.postgres },
  { name: '0010_money', up: m0010.up, down: m0010.down, postgres: m0010.postgres },
  { name: '0011_request_log', up: m0011.up, down: m0011.down, postgres: m0011.postgres },
  { name: '0012_settings', up: m0012.up, down: m0012.down, postgres: m0012.postgres },
  { name: '0013_spend_unpriced', up: m0013.up, down: m0013.down, postgres: m0013.postgres },
];
