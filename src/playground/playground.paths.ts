import path from 'node:path';
import { projectRoot } from '../common/paths';

/** Where `npm run build` writes the bundled playground (gitignored with the rest of dist/). */
export const playgroundBuildDir = path.join(projectRoot, 'dist', 'playground');

/** The URL path its assets are served under; the page itself is served on the GraphQL path. */
export const PLAYGROUND_ASSETS_PATH = '/playground';
