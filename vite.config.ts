import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Connect, Plugin } from 'vite';
import { defaultClientConditions, defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const root = dirname(fileURLToPath(import.meta.url));

/**
 * Cross-origin isolation: ORT's WASM build runs threads only with SharedArrayBuffer, which browsers
 * grant only to cross-origin isolated pages. Same headers in dev and preview so both behave alike.
 */
const crossOriginIsolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** Where the app serves ONNX Runtime's WASM files; the student worker points `env.wasm.wasmPaths` here. */
export const ORT_PUBLIC_PATH = '/ort/';

/**
 * The files `onnxruntime-web/webgpu` loads at run time. Its bundle inlines the JS glue but fetches the
 * binary; transformers.js asks for the asyncify build (`.asyncify.mjs` + `.asyncify.wasm`) both for the
 * WebGPU EP and for plain WASM, so these two are all the app needs.
 */
const ORT_FILES = ['ort-wasm-simd-threaded.asyncify.mjs', 'ort-wasm-simd-threaded.asyncify.wasm'];
const ortDist = join(root, 'node_modules', 'onnxruntime-web', 'dist');

const contentTypes: Record<string, string> = {
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.txt': 'text/plain',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.md': 'text/markdown',
};

function sendFile(res: Parameters<Connect.NextHandleFunction>[1], file: string): void {
  const ext = file.slice(file.lastIndexOf('.'));
  res.statusCode = 200;
  res.setHeader('Content-Type', contentTypes[ext] ?? 'application/octet-stream');
  res.setHeader('Content-Length', String(statSync(file).size));
  for (const [name, value] of Object.entries(crossOriginIsolation)) res.setHeader(name, value);
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.end(readFileSync(file));
}

/** Serves ORT's WASM files under /ort/ in dev and preview, and copies them into the build. */
function serveOrtWasm(): Plugin {
  const middleware: Connect.NextHandleFunction = (req, res, next) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (!path.startsWith(ORT_PUBLIC_PATH)) return next();
    const name = path.slice(ORT_PUBLIC_PATH.length);
    if (!ORT_FILES.includes(name)) {
      res.statusCode = 404;
      res.end(`not an ONNX Runtime file served by this app: ${name}`);
      return;
    }
    sendFile(res, join(ortDist, name));
  };
  return {
    name: 'capgrad:serve-ort-wasm',
    configureServer: (server) => void server.middlewares.use(middleware),
    configurePreviewServer: (server) => void server.middlewares.use(middleware),
    generateBundle() {
      for (const name of ORT_FILES) {
        this.emitFile({
          type: 'asset',
          fileName: `${ORT_PUBLIC_PATH.slice(1)}${name}`,
          source: readFileSync(join(ortDist, name)),
        });
      }
    },
  };
}

/**
 * `public/models/` is served as is, and a missing file is a 404: the SPA fallback would answer with
 * index.html and status 200, and the model loader would take that page for a model file instead of
 * falling back to the hub. Preview serves the folder straight from public/ (test builds do not copy
 * it: real models fetched there can be gigabytes).
 */
function serveModels(): Plugin {
  const publicModels = join(root, 'public', 'models');
  const find = (url: string | undefined): string | null | undefined => {
    const path = decodeURIComponent((url ?? '').split('?')[0] ?? '');
    if (!path.startsWith('/models/')) return undefined;
    const file = normalize(join(publicModels, path.slice('/models/'.length)));
    return file.startsWith(publicModels + sep) && existsSync(file) && statSync(file).isFile() ? file : null;
  };
  const notFound = (res: Parameters<Connect.NextHandleFunction>[1]): void => {
    res.statusCode = 404;
    res.end('model file not found');
  };
  return {
    name: 'capgrad:serve-models',
    configureServer: (server) =>
      void server.middlewares.use((req, res, next) => (find(req.url) === null ? notFound(res) : next())),
    configurePreviewServer: (server) =>
      void server.middlewares.use((req, res, next) => {
        const file = find(req.url);
        if (file === undefined) return next();
        if (file === null) return notFound(res);
        sendFile(res, file);
      }),
  };
}

/**
 * The sample scenes (public/samples/, loaded by the drop zone's "Load sample scenes"): test builds do not
 * copy public/, so preview serves them from there, a missing file as a 404 (dev and real builds serve public/).
 */
function serveSamples(): Plugin {
  const samples = join(root, 'public', 'samples');
  return {
    name: 'capgrad:serve-samples',
    configurePreviewServer: (server) =>
      void server.middlewares.use((req, res, next) => {
        const path = decodeURIComponent((req.url ?? '').split('?')[0] ?? '');
        if (!path.startsWith('/samples/')) return next();
        const file = normalize(join(samples, path.slice('/samples/'.length)));
        if (file.startsWith(samples + sep) && existsSync(file) && statSync(file).isFile())
          return sendFile(res, file);
        res.statusCode = 404;
        res.end('sample file not found');
      }),
  };
}

export default defineConfig(({ mode }) => ({
  plugins: [react(), serveOrtWasm(), serveModels(), serveSamples()],
  define: {
    // True only in test builds (`vite --mode test`): the typed e2e hook is compiled out of real builds.
    __CAPGRAD_TEST__: JSON.stringify(mode === 'test'),
  },
  resolve: {
    // `onnxruntime-web/webgpu` (ours and transformers.js's: one runtime) without the WASM binary bundled in:
    // the bundled build makes Vite emit a second 27 MB copy; this one loads both files from /ort/.
    conditions: ['onnxruntime-web-use-extern-wasm', ...defaultClientConditions],
  },
  worker: { format: 'es' },
  // ORT's bundle resolves its files relative to import.meta.url; pre-bundling would move it.
  optimizeDeps: { exclude: ['onnxruntime-web', '@huggingface/transformers'] },
  server: {
    headers: crossOriginIsolation,
    host: 'localhost',
    // Test builds and reports write index.html files under these; Vite would reload the open studio for each.
    watch: { ignored: ['**/.cache/**', '**/playwright-report/**', '**/bench-results/**'] },
  },
  preview: { headers: crossOriginIsolation, host: 'localhost' },
  build: {
    target: 'es2022',
    copyPublicDir: mode !== 'test',
    // transformers.js and ORT's glue make the chunks that hold them 0.5-0.7 MB minified: the workers and the
    // page's optional CLIP scorer, all loaded off the first paint. They split no further, so Vite's 500 kB
    // warning would only be noise.
    chunkSizeWarningLimit: 1024,
    // Rolldown's "JavaScript callbacks ran for N s" notice measures the machine's load (CI has two cores);
    // the slow callbacks it names are Vite's own.
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
}));
