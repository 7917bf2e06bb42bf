import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const clientRoot = fileURLToPath(new URL('.', import.meta.url));
/** The cocode server the dev server forwards API and websocket traffic to (`npm start`). */
const devServerTarget = 'http://localhost:3000';

export default defineConfig({
  root: clientRoot,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The editor stack (ProseMirror, Yjs, Tiptap) is one coherent chunk; splitting it gains nothing.
    chunkSizeWarningLimit: 1200,
  },
  server: {
    proxy: {
      '/api': { target: devServerTarget, changeOrigin: false },
      '/collab': { target: devServerTarget, ws: true },
    },
  },
});
