import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';

import type { Middleware } from 'koa';

const CONTENT_TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** Root paths browsers ask for on their own, answered from the folder (the icon pages link). */
const ROOT_ALIASES: Record<string, string> = { '/favicon.svg': '/static/favicon.svg' };

/**
 * Files of installed packages that pages load, served from our own origin under /static (a page's
 * CSP allows scripts from 'self' only, and no page depends on a CDN). Read from node_modules at
 * start-up, never copied into the repository: `npm ci` brings the version package-lock.json names.
 */
const PACKAGE_FILES: Record<string, { packageName: string; file: string }> = {
  // The passkey pages' WebAuthn calls (@simplewebauthn/browser's UMD build: one file, the global SimpleWebAuthnBrowser).
  'simplewebauthn-browser.js': { packageName: '@simplewebauthn/browser', file: 'dist/bundle/index.umd.min.js' },
};

/** The package's root folder, found the way Node finds the package (its main entry is <root>/script/index.js). */
function packageFile(packageName: string, file: string): string {
  const entry = createRequire(import.meta.url).resolve(packageName);
  const folder = join('node_modules', ...packageName.split('/'));
  let root = dirname(entry);
  while (!root.endsWith(folder)) {
    if (dirname(root) === root) throw new Error(`${packageName} is not installed under a node_modules folder`);
    root = dirname(root);
  }
  return join(root, file);
}

/** How long browsers keep a file (and the empty /favicon.ico) before asking again. */
const STATIC_CACHE_CONTROL = 'public, max-age=3600';
const FAVICON_ICO_CACHE_CONTROL = 'public, max-age=86400';

/**
 * Serves the few files in `interactions/static` (and PACKAGE_FILES) under /static, read once at
 * start-up. No path is ever joined from the request: only names found at start-up are answered. `/favicon.svg` is
 * the pages' icon; `/favicon.ico`, which browsers fetch by themselves on any page (JSON and
 * oidc-provider's pages too), is an empty 204 that they keep a day, rather than a 400 every load.
 */
export function staticFiles(directory: string): Middleware {
  const files = new Map<string, { body: Buffer; type: string; etag: string }>();
  const add = (name: string, path: string) => {
    const type = CONTENT_TYPES[extname(name)];
    if (!type) return;
    const body = readFileSync(path);
    files.set(`/static/${name}`, { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"` });
  };
  for (const name of readdirSync(directory)) add(name, join(directory, name));
  for (const [name, { packageName, file }] of Object.entries(PACKAGE_FILES)) add(name, packageFile(packageName, file));
  return async (ctx, next) => {
    const reading = ctx.method === 'GET' || ctx.method === 'HEAD';
    if (reading && ctx.path === '/favicon.ico') {
      ctx.set('Cache-Control', FAVICON_ICO_CACHE_CONTROL);
      ctx.status = 204;
      return;
    }
    const file = reading ? files.get(ROOT_ALIASES[ctx.path] ?? ctx.path) : undefined;
    if (!file) return next();
    ctx.set('ETag', file.etag);
    ctx.set('Cache-Control', STATIC_CACHE_CONTROL);
    if (ctx.get('if-none-match') === file.etag) {
      ctx.status = 304;
      return;
    }
    ctx.type = file.type;
    ctx.body = file.body;
  };
}
