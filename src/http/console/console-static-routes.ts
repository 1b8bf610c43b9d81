import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Router, type RequestHandler } from 'express';

/** The page's files, next to this module's source (src/http/console/web), from src/ and from dist/ alike. */
const WEB_DIR = fileURLToPath(new URL('../../../src/http/console/web/', import.meta.url));

interface Asset {
  readonly type: string;
  readonly body: Buffer;
}

/**
 * The libraries the page imports, from their packages' own ES module builds, served as they are:
 * no bundler, nothing fetched from elsewhere.
 */
function vendorFiles(): Record<string, Asset> {
  const require = createRequire(import.meta.url);
  // The ES module build sits beside each package's CommonJS entry point.
  const esm = (specifier: string, file: string): Asset => ({
    type: 'text/javascript; charset=utf-8',
    body: readFileSync(path.join(path.dirname(require.resolve(specifier)), file)),
  });
  return {
    'vendor/preact.mjs': esm('preact', 'preact.mjs'),
    'vendor/hooks.mjs': esm('preact/hooks', 'hooks.mjs'),
    'vendor/htm.mjs': esm('htm', 'htm.mjs'),
  };
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
};

/**
 * `GET /ui/…`: the console, behind the history API's credentials. Files are read once at start.
 * The content security policy allows nothing from elsewhere: scripts, styles and requests stay on
 * this origin, and the one inline script (the import map, which names the vendored files) is
 * allowed by its hash.
 */
export function createConsoleStaticRouter(auth: RequestHandler): Router {
  const assets: Record<string, Asset> = { ...vendorFiles() };
  // Every page file in the folder: a new page or view is one new file, with no list here to keep in step.
  for (const file of readdirSync(WEB_DIR)) {
    const type = TYPES[path.extname(file)];
    if (type !== undefined) assets[file] = { type, body: readFileSync(path.join(WEB_DIR, file)) };
  }
  const html = (assets['index.html'] as Asset).body.toString('utf8');
  const importMap = /<script type="importmap">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
  const mapHash = createHash('sha256').update(importMap).digest('base64');
  const policy = [
    "default-src 'none'",
    `script-src 'self' 'sha256-${mapHash}'`,
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');

  const router = Router();
  // Routing is not strict, so `/ui` also matches `/ui/`: only the bare path is sent on.
  router.get('/ui', auth, (req, res, next) => (req.originalUrl.split('?')[0] === '/ui' ? res.redirect(301, '/ui/') : next()));
  router.get(['/ui/', '/ui/{*file}'], auth, (req, res, next) => {
    const file = req.path === '/ui/' ? 'index.html' : req.path.slice('/ui/'.length);
    const asset = assets[file];
    if (asset === undefined) return next();
    res.set({
      'Content-Type': asset.type,
      'Content-Security-Policy': policy,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'X-Frame-Options': 'DENY',
      'Cache-Control': 'no-cache',
    });
    res.send(asset.body);
  });
  return router;
}
