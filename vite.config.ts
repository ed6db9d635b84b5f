import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// es2022: AssemblyScript bindings (a later issue) use top-level await.
export default defineConfig({
  plugins: [react()],
  build: {
    target: 'es2022',
    outDir: 'dist',
    sourcemap: true,
    rollupOptions: {
      input: { main: 'index.html', bench: 'bench.html' },
    },
  },
  worker: { format: 'es' },
});
