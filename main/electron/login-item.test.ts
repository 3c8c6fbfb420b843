import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AUTOSTART_FILE, autostartEntry, createLoginItem, xdgAutostartDir } from './login-item.ts';

function electronAppStandIn() {
  let settings = { openAtLogin: false, args: [] as string[] | undefined };
  return {
    getLoginItemSettings: () => settings,
    setLoginItemSettings: (s: { openAtLogin: boolean; args?: string[] }) => (settings = { openAtLogin: s.openAtLogin, args: s.args }),
    current: () => settings,
  };
}

describe('start at login', () => {
  it('macOS and Windows: Electron login item, started hidden', () => {
    const app = electronAppStandIn();
    const item = createLoginItem({ platform: 'darwin', app, linux: { autostartDir: '/nowhere', command: [] } });
    expect(item.isEnabled()).toBe(false);
    item.setEnabled(true);
    expect(app.current()).toEqual({ openAtLogin: true, args: ['--hidden'] });
    expect(item.isEnabled()).toBe(true);
  });

  it('Linux: an XDG autostart entry that starts hidden, removed when turned off', () => {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'llmp-autostart-')), 'autostart');
    const item = createLoginItem({ platform: 'linux', app: electronAppStandIn(), linux: { autostartDir: dir, command: ['/opt/LLM Proxy/llm-proxy'] } });
    expect(item.isEnabled()).toBe(false);
    item.setEnabled(true);
    const text = fs.readFileSync(path.join(dir, AUTOSTART_FILE), 'utf8');
    expect(text).toContain('[Desktop Entry]');
    expect(text).toContain('Exec="/opt/LLM Proxy/llm-proxy" --hidden');
    expect(item.isEnabled()).toBe(true);
    item.setEnabled(false);
    expect(item.isEnabled()).toBe(false);
    item.setEnabled(false);
  });

  it('quotes and escapes Exec arguments per the desktop entry spec', () => {
    expect(autostartEntry(['/home/a$b/100%/"x"', '--hidden'])).toContain('Exec="/home/a\\$b/100%%/\\"x\\"" --hidden');
  });

  it('finds the autostart folder from XDG_CONFIG_HOME or ~/.config', () => {
    expect(xdgAutostartDir({ XDG_CONFIG_HOME: '/cfg' }, '/home/u')).toBe(path.join('/cfg', 'autostart'));
    expect(xdgAutostartDir({}, '/home/u')).toBe(path.join('/home/u', '.config', 'autostart'));
  });
});
