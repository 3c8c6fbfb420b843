// The renderer build (served at /admin and loaded by the desktop window) is configured by the screens issue.
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'renderer',
  base: './',
  build: { outDir: '../dist/renderer', emptyOutDir: true },
});
