// What the shell says to the user outside the window: the no-keychain question, notifications, and the
// start failure box.
import { app, dialog, Notification } from 'electron';
import type { WeakStorageReason } from './data-key-sealing.ts';
import type { Preferences } from './preferences.ts';
import { isShellError } from './shell-errors.ts';

/** Asks once (the answer is remembered) whether to keep the data key in a 0600 file without a keychain. */
export async function confirmPlainKeyFile(prefs: Preferences, reason: WeakStorageReason, dataDir: string): Promise<boolean> {
  if (prefs.read().plainKeyFileAccepted) return true;
  const why =
    reason === 'basic_text'
      ? 'No secret service was found (GNOME Keyring, KWallet or another Secret Service provider).'
      : 'The operating system offers no encryption for app secrets right now.';
  const { response } = await dialog.showMessageBox({
    type: 'warning',
    title: 'LLM Proxy: no keychain',
    message: 'Your upstream API keys cannot be protected by the system keychain.',
    detail:
      `${why}\n\nIf you continue, the key that encrypts your upstream API keys is kept in a file only your user account can read ` +
      `(${dataDir}), as the headless server does. Anyone who can read your files or backups could use it.\n\n` +
      'Once a keychain is available, LLM Proxy moves the key into it at the next start.',
    buttons: ['Quit', 'Continue with a key file'],
    defaultId: 0,
    cancelId: 0,
    noLink: true,
  });
  if (response !== 1) return false;
  prefs.update({ plainKeyFileAccepted: true });
  return true;
}

export function notify(title: string, body: string): void {
  if (Notification.isSupported()) new Notification({ title, body, silent: true }).show();
}

export function showStartFailure(err: unknown): void {
  if (!(isShellError(err) && err.code === 'key_storage_declined')) {
    dialog.showErrorBox('LLM Proxy could not start', err instanceof Error ? err.message : String(err));
  }
  app.exit(1);
}
