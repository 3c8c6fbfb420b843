// Errors only the desktop shell raises. They reach the window as ApiResult errors with these stable codes,
// next to the core's AppError codes.

export type ShellErrorCode =
  /** The proxy is paused (or stopped): resume it from the tray. */
  | 'proxy_paused'
  /** The proxy has not finished starting yet. */
  | 'proxy_starting'
  /** The proxy failed to start (port in use, …). */
  | 'proxy_stopped'
  /** An IPC call came from a frame that is not the app's own window. */
  | 'forbidden_sender'
  /** An IPC channel that the contract does not define. */
  | 'unknown_method'
  /** The user declined to keep the data key without OS keychain protection. */
  | 'key_storage_declined';

export class ShellError extends Error {
  readonly code: ShellErrorCode;

  constructor(code: ShellErrorCode, message: string) {
    super(message);
    this.name = 'ShellError';
    this.code = code;
  }
}

export function isShellError(value: unknown): value is ShellError {
  return value instanceof ShellError;
}
