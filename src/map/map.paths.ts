import path from 'node:path';
import { projectRoot } from '../common/paths';

/** Where `npm run build` writes the bundled map (gitignored with the rest of dist/). */
export const mapBuildDir = path.join(projectRoot, 'dist', 'map');

/** The page's URL path. */
export const MAP_PATH = '/map';

/** The URL path its assets (script, stylesheet, world data) are served under. */
export const MAP_ASSETS_PATH = '/map/assets';
