// One request of the log with every field it has: never a body, a prompt or a key (the log holds none).
import type { RequestLogItemView } from '../../../main/core/api/request-views.ts';
import { Dialog } from '../components/dialog.tsx';
import { hrefFor } from '../lib/router.ts';
import { exactTime } from '../lib/time.ts';
import { costText, statusText } from '../lib/requests-text.ts';

interface Props {
  item: RequestLogItemView;
  projectName: (id: string | null) => string | null;
  tokenName: (id: string | null) => string | null;
  onClose: () => void;
}

export function RequestDetailDialog({ item, projectName, tokenName, onClose }: Props) {
  const facts: [string, React.ReactNode][] = [
    ['Time', <time dateTime={item.time}>{exactTime(item.time)}</time>],
    ['Status', statusText(item)],
    ['Request', <span className="mono">{`${item.method} ${item.path}`}</span>],
    ['Model', item.model ?? '—'],
    [
      'Token',
      item.token_id ? (
        <a href={hrefFor('requests', { token_id: item.token_id })} onClick={onClose}>
          {tokenName(item.token_id) ?? item.token_id}
        </a>
      ) : (
        '—'
      ),
    ],
    [
      'Project',
      item.project_id ? (
        <a href={hrefFor('requests', { project_id: item.project_id })} onClick={onClose}>
          {projectName(item.project_id) ?? item.project_id}
        </a>
      ) : (
        '—'
      ),
    ],
    ['Tokens in / out', item.prompt_tokens === null && item.completion_tokens === null ? '—' : `${item.prompt_tokens ?? 0} / ${item.completion_tokens ?? 0}`],
    ['Cost', costText(item.cost_usd)],
    ['Latency', `${Math.round(item.latency_ms)} ms${item.upstream_ms === null ? '' : ` (upstream answered in ${Math.round(item.upstream_ms)} ms)`}`],
    ['Cache', item.cache ?? '—'],
    ['Upstream key', item.upstream_key ?? (item.upstream_key_id ? 'a removed key' : '—')],
    ['Attempts', `${item.attempts}${item.attempts > 1 ? ' (failed over to another key)' : ''}`],
    ['Streamed', item.streamed ? 'yes' : 'no'],
    ['Client left early', item.aborted ? 'yes' : 'no'],
    ['Request id', <span className="mono">{item.request_id}</span>],
  ];
  return (
    <Dialog title="Request" onClose={onClose} wide>
      <dl className="facts">
        {facts.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onClose} data-autofocus>
          Close
        </button>
      </div>
    </Dialog>
  );
}
