// The only module that touches ipcMain: one `handle` per contract method, each going through the router
// (sender check, payload parsed as unknown, ApiResult back). Returns a function that removes them again.
import { ipcMain } from 'electron';
import type { IpcRouter } from './ipc-router.ts';

export function registerIpcHandlers(router: IpcRouter): () => void {
  for (const channel of router.channels) {
    ipcMain.handle(channel, (event, payload: unknown) => router.handle(channel, { senderFrame: event.senderFrame }, payload));
  }
  return () => {
    for (const channel of router.channels) ipcMain.removeHandler(channel);
  };
}
