// The app is served by the C server under /app/ (API.md §18): `/app/assets/<name>-<hash>.<ext>` are
// content-hashed and cached for a year; index.html is revalidated. Every text file of the build
// gets precompressed .gz and .br siblings, which the server sends when the client accepts them.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";

const compressible = /\.(js|mjs|css|html|svg|json|txt|map|webmanifest|ico)$/;

/*
 * Writes <file>.gz and <file>.br beside every compressible output file larger than 1 KiB. It reads
 * the files as written (writeBundle), not the chunks' code in generateBundle: Vite finishes chunks
 * after that hook (the __VITE_PRELOAD__ placeholders of dynamic imports are filled in later), and
 * compressed copies of the unfinished code broke every lazy route for browsers that accept br/gzip.
 */
function precompress(): Plugin {
  return {
    name: "trainsmart-precompress",
    apply: "build",
    writeBundle(options, bundle) {
      const dir = options.dir ?? "dist";
      for (const fileName of Object.keys(bundle)) {
        if (!compressible.test(fileName)) continue;
        const path = join(dir, fileName);
        const body = readFileSync(path);
        if (body.length < 1024) continue;
        writeFileSync(`${path}.gz`, gzipSync(body, { level: 9 }));
        writeFileSync(
          `${path}.br`,
          brotliCompressSync(body, {
            params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length },
          }),
        );
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
    // The licences of every package bundled into the app, served at /app/licenses.txt.
    license: { fileName: "licenses.txt" },
    target: "es2022",
  },
  server: {
    // `npm run dev`: the API of a server started with scripts/run.sh.
    proxy: { "/api": "http://127.0.0.1:8000" },
  },
});
