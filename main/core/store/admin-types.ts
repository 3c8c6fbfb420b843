// The store's contract for named admins and settings changed at run time (see types.ts for the rest).

/** What a named admin may do (main/core/api/authorize.ts); the management token and the desktop act as owners. */
export type AdminRole = 'owner' | 'operator' | 'viewer';

/** A named person who manages the proxy with a token of their own (table admins). */
export interface AdminRow {
  id: string;
  /** Unique; the audit trail names them `admin:<name>`. */
  name: string;
  role: AdminRole;
  /** The projects an operator manages (stored as JSON; empty for owners and viewers). */
  projectIds: string[];
  /** Keyed hash (HMAC-SHA-256, hex) of the admin's token; the token itself is never stored. */
  tokenHash: string;
  tokenLast4: string;
  createdAt: number;
  updatedAt: number;
}

export type NewAdmin = Omit<AdminRow, 'updatedAt'>;
export type AdminChanges = Partial<Pick<AdminRow, 'name' | 'role' | 'projectIds' | 'tokenHash' | 'tokenLast4'>>;

export interface AdminRepository {
  /** Throws AppError('duplicate_name') when the name is taken. */
  create(admin: NewAdmin): Promise<AdminRow>;
  get(id: string): Promise<AdminRow | null>;
  getByTokenHash(tokenHash: string): Promise<AdminRow | null>;
  /** By name. */
  list(): Promise<AdminRow[]>;
  /** Returns null when the id is unknown. Throws AppError('duplicate_name') on a taken name. */
  update(id: string, changes: AdminChanges, now: number): Promise<AdminRow | null>;
  /** Deletes the admin (their token stops working on the next call); false when it did not exist. */
  remove(id: string): Promise<boolean>;
}

/** A setting changed at run time (table settings); its JSON value sealed with the data key. */
export interface StoredSettingRow {
  name: string;
  valueSealed: string;
  updatedAt: number;
}

export interface SettingRepository {
  list(): Promise<StoredSettingRow[]>;
  /** Writes `put` and deletes `remove` (names) in one transaction. */
  write(put: readonly StoredSettingRow[], remove: readonly string[]): Promise<void>;
}
