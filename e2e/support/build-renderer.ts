// Playwright global setup: build the screens first, so every run tests the current renderer code.
import path from 'node:path';
import { build } from 'vite';

export default async function buildRenderer(): Promise<void> {
  const root = path.resolve(import.meta.dirname, '../..');
  await build({ configFile: path.join(root, 'vite.config.ts'), root: path.join(root, 'renderer'), logLevel: 'warn' });
}
