// Builds the admin screens into dist/renderer. Relative asset URLs (base './') so the same build works at
// /admin/ over HTTP and from a custom protocol in the desktop window.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    // Everything as files: the CSP allows data: only for images.
    assetsInlineLimit: 0,
    target: 'es2022',
  },
});
