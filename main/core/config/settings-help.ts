// Renders the settings as a text table (flag and env var, default, description) for `serve --help`.

import Table from 'cli-table3';
import type { SettingDescriptor } from './setting-descriptors.ts';

const FIRST_COLUMN = 41; // fits `LLM_PROXY_UPSTREAM_HEADERS_TIMEOUT_MS` plus padding
const DEFAULT_COLUMN = 24;
const MIN_DESCRIPTION = 30;

/** Borderless: columns separated by spaces, so it reads like the rest of commander's help. */
const plainChars = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: '  ',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '',
  'right-mid': '',
  middle: ' ',
};

export function renderSettingsTable(descriptors: readonly SettingDescriptor[], options: { width?: number } = {}): string {
  const width = Math.max(options.width ?? 120, FIRST_COLUMN + DEFAULT_COLUMN + MIN_DESCRIPTION + 4);
  const table = new Table({
    head: ['Flag / env var', 'Default', 'Description'],
    colWidths: [FIRST_COLUMN, DEFAULT_COLUMN, width - FIRST_COLUMN - DEFAULT_COLUMN - 4],
    wordWrap: true,
    wrapOnWordBoundary: true,
    chars: plainChars,
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 1 },
  });
  for (const d of descriptors) {
    table.push([`${d.isSwitch ? d.flag : `${d.flag} <${d.valueName}>`}\n  ${d.env}`, hardWrap(d.defaultLabel, DEFAULT_COLUMN - 1), d.description]);
  }
  return table
    .toString()
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n');
}

/** Paths have no spaces to wrap at; break them (after a slash when one is near) instead of truncating. */
function hardWrap(text: string, width: number): string {
  const lines: string[] = [];
  let rest = text;
  while (rest.length > width) {
    const slash = rest.lastIndexOf('/', width - 1);
    const cut = slash > width / 2 ? slash + 1 : width;
    lines.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  lines.push(rest);
  return lines.join('\n');
}
