// The app is served by the C server under /app/ (API.md §18): `/app/assets/<name>-<hash>.<ext>` are
// content-hashed and cached for a year; index.html is revalidated. Every text file of the build
// gets precompressed .gz and .br siblings, which the server sends when the client accepts them.
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";

const compressible = /\.(js|mjs|css|html|svg|json|txt|map|webmanifest|ico)$/;

/* Writes <file>.gz and <file>.br beside every compressible output file larger than 1 KiB. */
function precompress(): Plugin {
  return {
    name: "trainsmart-precompress",
    apply: "build",
    generateBundle(_options, bundle) {
      for (const item of Object.values(bundle)) {
        if (!compressible.test(item.fileName)) continue;
        const body = item.type === "chunk" ? Buffer.from(item.code) : Buffer.from(item.source);
        if (body.length < 1024) continue;
        this.emitFile({ type: "asset", fileName: `${item.fileName}.gz`, source: gzipSync(body, { level: 9 }) });
        this.emitFile({
          type: "asset",
          fileName: `${item.fileName}.br`,
          source: brotliCompressSync(body, {
            params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length },
          }),
        });
      }
    },
  };
}

export default defineConfig({
  base: "/app/",
  plugins: [react(), precompress()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // No data: URLs: the server's Content-Security-Policy allows images from its own origin only.
    assetsInlineLimit: 0,
    sourcemap: false,
    target: "es2022",
  },
  server: {
    // `npm run dev`: the API of a server started with scripts/run.sh.
    proxy: { "/api": "http://127.0.0.1:8000" },
  },
});
