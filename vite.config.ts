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
      // get-starknet-core's MetaMask-snap loader uses a direct eval (never reached: we only
      // list injected wallet objects, see src/wallets/starknet.ts); its warning is noise.
      onLog(level, log, handler) {
        if (log.code === 'EVAL' && log.id?.includes('get-starknet-core')) return;
        handler(level, log);
      },
    },
    // The lazily loaded WalletConnect SDK and starknet.js are big by nature.
    chunkSizeWarningLimit: 1024,
  },
  worker: { format: 'es' },
});
