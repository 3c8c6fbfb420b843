// The Settings screen's form for what can change while the server runs: Redis (tested by the server
// before it is used), its key prefix, the memory cache size, event retention and the log level. Values
// set by a flag or an environment variable are shown locked, with where they come from.
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import type { RuntimeSettingName, RuntimeSettingView, RuntimeSettingsView } from '../../../main/core/api/settings-schemas.ts';
import { logLevelNames } from '../../../main/core/api/settings-schemas.ts';
import type { ApiError } from '../api/index.ts';
import { Field, FormError } from '../components/field.tsx';
import { LoadFailed, Loading, Spinner } from '../components/states.tsx';
import { serverErrors } from '../forms/form-errors.ts';
import { changeOf, checkRuntimeSettings, runtimeSettingsFieldOf, valuesOf, type RuntimeSettingsValues } from '../forms/runtime-settings-form.ts';
import { useAction } from '../lib/use-action.ts';
import { useFormErrors } from '../lib/use-form-errors.ts';
import { useOffline } from '../stores/connection.ts';
import { notify } from '../stores/notices.ts';
import { useRuntimeSettings } from '../stores/runtime-settings.ts';

/** A refused Redis belongs to the URL field; a locked setting to the whole form. */
function fromServer(error: ApiError) {
  if (error.code === 'redis_connect_failed') return { redisUrl: error.message };
  return serverErrors(error, runtimeSettingsFieldOf);
}

export function RuntimeSettingsPanel() {
  const { view, status, error, load } = useRuntimeSettings();
  useEffect(() => void load(), [load]);
  return (
    <section className="panel" aria-labelledby="runtime-settings-title">
      <header className="panel-header">
        <h2 id="runtime-settings-title">Change without a restart</h2>
      </header>
      {status === 'error' && !view ? (
        <LoadFailed error={error} onRetry={() => void load()} />
      ) : view ? (
        <RuntimeSettingsForm key={formKey(view)} view={view} />
      ) : (
        <Loading label="Loading settings…" />
      )}
    </section>
  );
}

/** A new view (after a change) starts the form over from what runs now. */
function formKey(view: RuntimeSettingsView): string {
  return Object.values(view.settings)
    .map((s: RuntimeSettingView<unknown>) => `${String(s.value)}|${s.changed_at ?? ''}`)
    .join(';');
}

function RuntimeSettingsForm({ view }: { view: RuntimeSettingsView }) {
  const update = useRuntimeSettings((s) => s.update);
  const offline = useOffline();
  const [values, setValues] = useState<RuntimeSettingsValues>(() => valuesOf(view));
  const action = useAction(update);
  const form = useFormErrors(values, checkRuntimeSettings, action.error, runtimeSettingsFieldOf, fromServer);
  const shown = form.errors;
  const s = view.settings;
  const set = <K extends keyof RuntimeSettingsValues>(key: K, value: RuntimeSettingsValues[K]) => setValues({ ...values, [key]: value });
  const change = changeOf(values, view);

  const send = async (input: Parameters<typeof update>[0], done: string) => {
    if (await action.run(input)) notify('success', done);
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!form.validate(event.currentTarget as HTMLFormElement) || !change) return;
    await send(change, `Applied: ${Object.keys(change).join(', ')}`);
  };
  const resetButton = (name: RuntimeSettingName) =>
    s[name].source === 'changed' ? (
      <button
        type="button"
        className="btn btn-small btn-ghost"
        onClick={() => void send({ [name]: null }, `${name} is back to its start value`)}
        disabled={action.pending || !!offline}
      >
        Back to start value
      </button>
    ) : null;

  return (
    <form className="form settings-form" onSubmit={submit} noValidate aria-label="Settings that change without a restart">
      <Field
        label="Redis URL"
        error={shown.redisUrl}
        hint={<Origin setting={s.redis_url} shown={s.redis_url.value ?? 'none (limits and cache per instance)'} />}
      >
        <input
          className="input mono"
          type="password"
          value={values.redisUrl}
          onChange={(e) => set('redisUrl', e.target.value)}
          placeholder={s.redis_url.value ? 'Leave empty to keep the current one' : 'redis://127.0.0.1:6379'}
          autoComplete="off"
          spellCheck={false}
          disabled={s.redis_url.locked}
        />
      </Field>
      <div className="form-row-actions">
        {s.redis_url.value && !s.redis_url.locked ? (
          <button
            type="button"
            className="btn btn-small"
            onClick={() => void send({ redis_url: '' }, 'Redis turned off: limits and cache are per instance')}
            disabled={action.pending || !!offline}
          >
            Turn Redis off
          </button>
        ) : null}
        {resetButton('redis_url')}
      </div>
      <Field label="Redis key prefix" error={shown.redisPrefix} hint={<Origin setting={s.redis_prefix} />}>
        <input
          className="input mono"
          value={values.redisPrefix}
          onChange={(e) => set('redisPrefix', e.target.value)}
          autoComplete="off"
          spellCheck={false}
          disabled={s.redis_prefix.locked}
        />
      </Field>
      <Field
        label="Memory cache size (MiB)"
        error={shown.cacheMiB}
        hint={<Origin setting={s.cache_max_bytes} extra="0 turns it off; with Redis the cache lives there instead." />}
      >
        <input
          className="input"
          inputMode="decimal"
          value={values.cacheMiB}
          onChange={(e) => set('cacheMiB', e.target.value)}
          disabled={s.cache_max_bytes.locked}
        />
      </Field>
      <Field label="Keep request events (days)" error={shown.retentionDays} hint={<Origin setting={s.event_retention_days} extra="0: only until delivered." />}>
        <input
          className="input"
          inputMode="numeric"
          value={values.retentionDays}
          onChange={(e) => set('retentionDays', e.target.value)}
          disabled={s.event_retention_days.locked}
        />
      </Field>
      <Field label="Log level" error={shown.logLevel} hint={<Origin setting={s.log_level} />}>
        <select
          className="input"
          value={values.logLevel}
          onChange={(e) => set('logLevel', e.target.value as RuntimeSettingsValues['logLevel'])}
          disabled={s.log_level.locked}
        >
          {logLevelNames.map((level) => (
            <option key={level} value={level}>
              {level}
            </option>
          ))}
        </select>
      </Field>
      <FormError message={shown._form} />
      <div className="dialog-actions">
        {(['redis_prefix', 'cache_max_bytes', 'event_retention_days', 'log_level'] as const).map((name) =>
          s[name].source === 'changed' ? <span key={name}>{resetButton(name)}</span> : null,
        )}
        <button
          type="submit"
          className="btn btn-primary"
          disabled={action.pending || !change || !!offline}
          title={offline ?? (change ? undefined : 'Nothing changed')}
        >
          {action.pending ? (
            <>
              <Spinner /> {change?.redis_url ? 'Testing Redis…' : 'Applying…'}
            </>
          ) : (
            'Apply'
          )}
        </button>
      </div>
    </form>
  );
}

/** Where a value comes from, in words; locked ones say how to change them. */
function Origin({ setting, shown, extra }: { setting: RuntimeSettingView<unknown>; shown?: string; extra?: string }): ReactNode {
  const now =
    shown !== undefined ? (
      <>
        Now: <span className="mono">{shown}</span>.{' '}
      </>
    ) : null;
  const where = setting.locked ? (
    <>Locked: set by {setting.source_detail}. Change it there and restart.</>
  ) : setting.source === 'changed' ? (
    <>Changed here{setting.changed_at ? ` on ${new Date(setting.changed_at).toLocaleString()}` : ''}; kept across restarts (encrypted).</>
  ) : setting.source === 'config_file' ? (
    <>From the {setting.source_detail}.</>
  ) : (
    <>Default.</>
  );
  return (
    <span data-testid="setting-origin">
      {now}
      {where} {extra}
    </span>
  );
}
