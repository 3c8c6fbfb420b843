// Pass `stream-usage`: OpenAI-style streams report usage only when asked, so streamed requests to
// providers with that shape get `stream_options.include_usage` (a client's explicit choice is kept).
import type { RequestPass } from '../pipeline.ts';
import { ensureStreamUsage } from '../usage.ts';

export const streamUsage: RequestPass = {
  name: 'stream-usage',
  onRequest(x) {
    if (x.json && x.provider!.usage === 'openai' && x.endpoint!.streamsUsage && ensureStreamUsage(x.json)) x.jsonChanged = true;
  },
};
