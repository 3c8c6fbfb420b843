// How the request log's cells read: status with its error code, USD cost ("unpriced" when the model has
// no price, never a silent 0).
import type { RequestLogItemView } from '../../../main/core/api/request-views.ts';

export function statusText(item: Pick<RequestLogItemView, 'status' | 'error_code'>): string {
  return item.error_code ? `${item.status} ${item.error_code}` : String(item.status);
}

export function costText(usd: number | null): string {
  if (usd === null) return 'unpriced';
  return `$${usd === 0 || usd >= 0.01 ? usd.toFixed(2) : usd.toPrecision(2)}`;
}
