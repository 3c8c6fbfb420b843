// Pass `usage-extraction`: token usage read while the answer's bytes pass (JSON `usage`, or the SSE
// events that carry it: ../usage.ts reads OpenAI, Responses and Anthropic shapes), then added to the
// token's and the upstream key's counters (batched, no disk write per request).
import type { UsageRecorder } from '../../tokens/usage-recorder.ts';
import type { KeyUsageRecorder } from '../key-usage-recorder.ts';
import type { ResponsePass, StreamPass } from '../pipeline.ts';
import { createUsageTap } from '../usage.ts';

export function usageExtraction(deps: { usage: UsageRecorder; keyUsage: KeyUsageRecorder }): StreamPass & ResponsePass {
  return {
    name: 'usage-extraction',
    onStream(x, head) {
      const tap = createUsageTap(head.contentType);
      return {
        write: (chunk) => tap.write(chunk),
        end() {
          x.usage = tap.end();
        },
      };
    },
    onEnd(x) {
      const usage = x.usage;
      if (!usage) return;
      deps.usage.recordTokens(x.auth!.token.id, usage.promptTokens, usage.completionTokens);
      if (x.key) deps.keyUsage.recordTokens(x.key.id, usage.promptTokens, usage.completionTokens);
    },
  };
}
