// The preload (sandboxed, bundled to one CommonJS file): exposes the bridge and nothing else: no
// ipcRenderer, no generic invoke, no Node.
import { contextBridge, ipcRenderer } from 'electron';
import { buildBridge } from './bridge.ts';

contextBridge.exposeInMainWorld(
  'llmProxy',
  buildBridge((channel, payload) => ipcRenderer.invoke(channel, payload)),
);
