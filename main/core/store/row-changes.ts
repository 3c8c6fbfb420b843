// Partial updates arrive as objects where a missing key and an undefined value both mean "unchanged".

/** Drops keys whose value is undefined, so `{ name: undefined }` leaves the name alone. */
export function definedOnly<T extends object>(changes: T): Partial<T> {
  return Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) as Partial<T>;
}
