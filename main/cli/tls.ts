// `llm-proxy tls status`: the HTTPS mode the settings choose, the certificate on disk and its expiry,
// and for the local CA the exact commands that trust it. Takes the same settings as `serve` (flags, env,
// config file) and reads files only, so it works whether or not the server runs.

import { Option, type Command } from 'commander';
import { loadSomeSettings, settingDescriptors, type SettingKey } from '../core/config/settings.ts';
import { readTlsStatus, type TlsStatus } from '../core/http/tls/status.ts';
import type { CliContext } from './context.ts';
import { printJson, println } from './io.ts';
import { summaryOf } from './command-summaries.ts';

const TLS_SETTINGS = [
  'host',
  'port',
  'dataDir',
  'allowedHosts',
  'tlsCert',
  'tlsKey',
  'tlsSelfSigned',
  'acmeDomain',
  'acmeEmail',
  'acmeDirectory',
  'httpRedirectPort',
  'allowInsecureLan',
] as const satisfies readonly SettingKey[];

const MODE_LABELS: Record<TlsStatus['mode'], string> = {
  off: 'off (plain HTTP)',
  local_ca: 'local certificate authority (--tls-self-signed)',
  files: 'your certificate files (--tls-cert / --tls-key)',
  acme: 'ACME (--acme-domain)',
};

export function registerTlsCommands(program: Command, ctx: CliContext): void {
  const tls = program.command('tls').description(summaryOf('tls'));
  const status = tls
    .command('status')
    .description('show the HTTPS mode, the certificate and its expiry, and how to trust the local CA')
    .option('--config <path>', 'JSON config file, as for serve (env LLM_PROXY_CONFIG)')
    .option('--json', 'print the status as JSON');
  for (const d of settingDescriptors.filter((x) => (TLS_SETTINGS as readonly string[]).includes(x.key))) {
    status.addOption(new Option(d.isSwitch ? d.flag : `${d.flag} <${d.valueName}>`, `${d.description} (env ${d.env})`));
  }
  status.action((opts: Record<string, unknown>) => {
    const settings = loadSomeSettings({ flags: opts, env: ctx.io.env, cwd: ctx.cwd }, TLS_SETTINGS);
    const result = readTlsStatus(settings, ctx.now());
    if (opts.json) return printJson(ctx.io, result);
    for (const line of describe(result, ctx.now())) println(ctx.io.stdout, line);
  });
}

function describe(s: TlsStatus, now: number): string[] {
  const lines = [`HTTPS:       ${MODE_LABELS[s.mode]}`];
  if (s.certificate_file) lines.push(`Certificate: ${s.certificate_file}`);
  if (s.state === 'not_issued') lines.push(`             not made yet: ${s.mode === 'acme' ? 'ordered' : 'created'} by the first llm-proxy serve`);
  if (s.expires_at) {
    lines.push(`  names:     ${s.names.join(', ') || '(none)'}`);
    lines.push(`  issuer:    ${s.issuer}`);
    lines.push(`  expires:   ${s.expires_at} (${relativeDays(Date.parse(s.expires_at) - now)})${s.state === 'expired' ? ' EXPIRED' : ''}`);
  }
  if (s.problem) lines.push(`Problem:     ${s.problem}`);
  if (s.insecure_lan && !s.problem)
    lines.push('Warning:     listening beyond loopback without HTTPS (--allow-insecure-lan): tokens cross the network in clear text.');
  if (s.ca_path && s.trust_commands) {
    lines.push('', `Local CA:    ${s.ca_path}${s.ca_created ? '' : ' (created by the first llm-proxy serve)'}`);
    lines.push('Trust it once on each client that connects:');
    lines.push(`  macOS:     ${s.trust_commands.macos}`);
    lines.push(`  Windows:   ${s.trust_commands.windows}`);
    lines.push(`  Linux:     ${s.trust_commands.linux}`);
    lines.push(`  Node:      ${s.trust_commands.node}`);
    lines.push('Copy ca.pem to each other machine first; the README (HTTPS) also covers Fedora, Firefox and Python.');
  }
  return lines;
}

function relativeDays(ms: number): string {
  const days = Math.round(Math.abs(ms) / 86_400_000);
  const span = days === 1 ? '1 day' : `${days} days`;
  return ms >= 0 ? `in ${span}` : `${span} ago`;
}
