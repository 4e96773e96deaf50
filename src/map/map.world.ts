import type { GeometryCollection, Topology } from 'topojson-specification';

/**
 * The world data the build writes (scripts/map-world.ts) and the page draws (map/world.ts): a
 * TopoJSON topology of Natural Earth's countries. Each shape's `id` is its ISO 3166-1 numeric
 * code, a string with leading zeros ("004"), absent where Natural Earth has none.
 */
export interface WorldProperties {
  name: string;
  /** The alpha-2 code of a shape without a numeric code that Borderwatch knows (Kosovo: XK). */
  alpha2?: string;
  /** [longitude, latitude] of a state too small to see or click: the page marks it with a dot. */
  dot?: [number, number];
}

export type World = Topology<{ countries: GeometryCollection<WorldProperties> }>;
