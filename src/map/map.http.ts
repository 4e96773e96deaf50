import { readFile } from 'node:fs/promises';
import path from 'node:path';
import compression from 'compression';
import express, { type Express } from 'express';
import { CONTENT_SECURITY_POLICY, PAGE_HEADERS } from '../server/page-headers';
import { MAP_ASSETS_PATH, MAP_PATH, mapBuildDir } from './map.paths';

/**
 * The world map: `GET /map` gets the page, its assets (script, stylesheet, world data) are served
 * under /map/assets, under the playground's Content-Security-Policy (this host only). The page
 * finds the API beside itself (../graphql), so it works under any prefix a proxy adds.
 */
export function mountMap(app: Express): void {
  app.use(
    MAP_ASSETS_PATH,
    compression(),
    // Asset names carry a content hash, so a browser may keep them for good.
    express.static(mapBuildDir, {
      index: false,
      immutable: true,
      maxAge: '365d',
      fallthrough: false,
      setHeaders: (res) => res.setHeader('content-security-policy', CONTENT_SECURITY_POLICY),
    }),
  );
  app.get(MAP_PATH, async (req, res) => {
    // Relative links (the API, the playground) resolve against /map, not /map/.
    if (req.path.endsWith('/')) {
      const query = req.originalUrl.indexOf('?');
      res.redirect(301, `${req.baseUrl}${MAP_PATH}${query >= 0 ? req.originalUrl.slice(query) : ''}`);
      return;
    }
    // Read on every visit (it is tiny), so a rebuild while running serves the new asset names.
    const html = await readFile(path.join(mapBuildDir, 'index.html'), 'utf8').catch(() => null);
    res.set(PAGE_HEADERS);
    if (html === null) {
      res.status(503).type('text/plain').send('The map is not built: run `npm run build`. The API answers on /graphql.');
      return;
    }
    res.type('html').set('cache-control', 'no-cache').send(html);
  });
}
