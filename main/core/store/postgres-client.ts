// What every PostgreSQL repository shares: one transaction on one pooled connection, and recognising
// the constraint errors the repositories turn into stable AppError codes.
import type pg from 'pg';

export type Queryable = Pick<pg.Pool, 'query'>;

/** Page + total reads see one snapshot, so the total matches the page it came with. */
export const READ_SNAPSHOT = 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY';

/** Runs `work` in one transaction on one pooled connection. */
export async function withTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(begin);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

function pgCode(err: unknown): { code?: string; constraint?: string } {
  return typeof err === 'object' && err !== null ? (err as { code?: string; constraint?: string }) : {};
}

export const isUniqueViolation = (err: unknown, constraint: string) => pgCode(err).code === '23505' && pgCode(err).constraint === constraint;
export const isForeignKeyViolation = (err: unknown) => pgCode(err).code === '23503';

/** Sorts by a text id in byte order, so rows are locked in one order by every instance (no deadlock). */
export function byId<T>(id: (item: T) => string): (a: T, b: T) => number {
  return (a, b) => (id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0);
}
