import { readFile } from 'node:fs/promises';
import path from 'node:path';
import compression from 'compression';
import express, { type Express, type Request } from 'express';
import { CONTENT_SECURITY_POLICY, PAGE_HEADERS } from '../server/page-headers';
import { PLAYGROUND_ASSETS_PATH, playgroundBuildDir } from './playground.paths';

/**
 * The GraphiQL playground: `GET <graphqlPath>` from a browser (one that
 * prefers HTML to JSON) gets the page, and its assets are served under
 * /playground. Everything else on the GraphQL path goes on to Apollo, with its
 * CSRF prevention. Mounted before Apollo.
 */
export function mountPlayground(app: Express, graphqlPath: string): void {
  app.use(
    PLAYGROUND_ASSETS_PATH,
    // The bundle is some 5 MB of JavaScript (Monaco, GraphiQL, React), a quarter of that compressed.
    compression(),
    // Asset names carry a content hash, so a browser may keep them for good. The policy goes with
    // them too: Monaco's workers take theirs from their own script's response.
    express.static(playgroundBuildDir, {
      index: false,
      // The folder itself is no page: a 404 in JSON like any other path, not serve-static's HTML redirect.
      redirect: false,
      immutable: true,
      maxAge: '365d',
      fallthrough: false,
      setHeaders: (res) => res.setHeader('content-security-policy', CONTENT_SECURITY_POLICY),
    }),
  );
  app.get(graphqlPath, async (req, res, next) => {
    // One URL, two representations (the page, or Apollo's JSON): caches must tell them apart.
    res.vary('accept');
    if (!prefersHtml(req)) {
      next();
      return;
    }
    // Read on every visit (it is tiny), so a rebuild while running serves the new asset names.
    const html = await readFile(path.join(playgroundBuildDir, 'index.html'), 'utf8').catch(() => null);
    res.set(PAGE_HEADERS);
    if (html === null) {
      res.status(503).type('text/plain').send('The playground is not built: run `npm run build`. The API itself answers on this URL.');
      return;
    }
    // The page names its assets by hash: revalidated on each visit, it always names the current ones.
    res.type('html').set('cache-control', 'no-cache').send(html);
  });
}

/** A browser's navigation asks for text/html first; API clients ask for JSON or anything. */
function prefersHtml(req: Request): boolean {
  return req.accepts(['application/json', 'application/graphql-response+json', 'text/html']) === 'text/html';
}
