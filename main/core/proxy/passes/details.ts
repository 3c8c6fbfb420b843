// What a refusal's audit row says about the request's model.
import type { ProxyExchange } from '../exchange.ts';

export function modelDetails(x: ProxyExchange): Record<string, unknown> {
  if (!x.model) return {};
  return x.requestedModel ? { model: x.model, requested_model: x.requestedModel } : { model: x.model };
}
