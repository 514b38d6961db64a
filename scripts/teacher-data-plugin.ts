import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Connect, Plugin } from 'vite';

interface TeacherFile {
  path: string;
  url: string;
  shared: string;
}

/**
 * Serves the teacher's small data files (FastestDet, its class names, the CHAIR synonyms) under /models/ in
 * dev and preview when public/models/ has no copy of them: from the shared data folder (SHARED_DIR, default
 * ../shared), which is never copied into the repo. `npm run models:fetch` puts real copies in public/models/
 * (scripts/teacher-files.json lists both places). Register it before the plugin that 404s missing models.
 */
export function serveTeacherData(root: string): Plugin {
  const table = JSON.parse(readFileSync(join(root, 'scripts', 'teacher-files.json'), 'utf8')) as {
    files: TeacherFile[];
  };
  const shared = resolve(root, process.env['SHARED_DIR'] ?? '../shared');
  const middleware: Connect.NextHandleFunction = (req, res, next) => {
    const path = decodeURIComponent((req.url ?? '').split('?')[0] ?? '');
    const entry = table.files.find((f) => `/models/${f.path}` === path);
    if (entry === undefined || existsSync(join(root, 'public', 'models', entry.path))) return next();
    const file = join(shared, entry.shared);
    if (!existsSync(file)) return next();
    res.statusCode = 200;
    res.setHeader('Content-Type', 'application/octet-stream');
    res.setHeader('Content-Length', String(statSync(file).size));
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    res.end(req.method === 'HEAD' ? undefined : readFileSync(file));
  };
  return {
    name: 'capgrad:serve-teacher-data',
    configureServer: (server) => void server.middlewares.use(middleware),
    configurePreviewServer: (server) => void server.middlewares.use(middleware),
  };
}
