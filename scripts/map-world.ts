import { readFile } from 'node:fs/promises';
import { presimplify, simplify } from 'topojson-simplify';
import { feature, quantize } from 'topojson-client';
import type { GeometryCollection, GeometryObject, Topology } from 'topojson-specification';
import type { World, WorldProperties } from '../src/map/map.world';

/**
 * The world the map draws: Natural Earth's 1:50m admin-0 countries (public domain) from the
 * `world-atlas` package. 1:50m, not 1:110m: 1:110m has no Singapore, Malta, Bahrain, Andorra,
 * Liechtenstein, Monaco, Maldives, Mauritius, Cabo Verde, Hong Kong or most island states (32
 * destinations with Russian visa data; 166 coloured shapes instead of 198), and those matter on
 * a visa map. 1:50m is 230 KB gzipped as published; simplified below what a screen can show
 * (triangles under 0.01 square degree, about a tenth of a pixel at 1,000 pixels across) and
 * quantised to 10,000 steps, it is about a third of that.
 *
 * Each shape keeps its ISO 3166-1 numeric code (`id`, a string with leading zeros: "004") and
 * its name; a shape smaller than SMALL_STATE_KM2 also gets `dot`, a point the page marks so it
 * can be seen and clicked, taken from its full-resolution outline.
 */

/** Countries smaller than this get a dot: under about 3 pixels across on a map 1,000 pixels wide. */
export const SMALL_STATE_KM2 = 10_000;
/** Triangles smaller than this (square degrees) are simplified away. */
const MIN_WEIGHT = 0.01;
const QUANTIZATION = 10_000;
const EARTH_RADIUS_KM = 6371.0088;

/**
 * Natural Earth shapes without an ISO numeric code that Borderwatch's catalog knows by its
 * alpha-2 code: Kosovo (XK, user-assigned, as the EU uses it). Somaliland, N. Cyprus, Siachen
 * Glacier and "Indian Ocean Ter." (Christmas and Cocos Islands together) match no country and
 * are drawn without data.
 */
const ALPHA2_OF_UNCODED: Record<string, string> = { Kosovo: 'XK' };

type Source = Topology<{ countries: GeometryCollection<{ name: string }> }>;

export async function worldTopology(): Promise<World> {
  // d3-geo is published as an ES module only.
  const { geoArea, geoCentroid } = await import('d3-geo');
  const source = JSON.parse(await readFile(require.resolve('world-atlas/countries-50m.json'), 'utf8')) as Source;
  const full = feature(source, source.objects.countries).features;
  const areaKm2 = (shape: Parameters<typeof geoArea>[0]) => geoArea(shape) * EARTH_RADIUS_KM ** 2;

  const geometries = source.objects.countries.geometries.map((geometry, index): GeometryObject<WorldProperties> => {
    const { name } = geometry.properties as { name: string };
    const properties: WorldProperties = { name };
    if (geometry.id === undefined && ALPHA2_OF_UNCODED[name]) properties.alpha2 = ALPHA2_OF_UNCODED[name];
    if (areaKm2(full[index]!) < SMALL_STATE_KM2) properties.dot = geoCentroid(full[index]!).map((degrees) => Math.round(degrees * 100) / 100) as [number, number];
    return { ...geometry, properties };
  });
  const topology = { type: 'Topology', transform: source.transform, arcs: source.arcs, objects: { countries: { type: 'GeometryCollection', geometries } } } as World;

  const weighted = presimplify(topology);
  // Small states keep every point: simplified, many would vanish into a single point.
  for (const geometry of geometries) {
    if (!(geometry.properties as WorldProperties).dot) continue;
    for (const arc of arcsOf(geometry)) for (const point of weighted.arcs[arc]!) point[2] = Infinity;
  }
  const simplified = simplify(weighted, MIN_WEIGHT);
  // Back to plain [x, y] in degrees (simplify keeps each point's weight), then quantised.
  const plain = { ...simplified, arcs: simplified.arcs.map((arc) => arc.map(([x, y]) => [x!, y!])) } as unknown as World;
  delete plain.transform;
  const world = quantize(plain, QUANTIZATION) as World;

  const drawn = feature(world, world.objects.countries).features;
  drawn.forEach((shape, index) => {
    // A ring turned inside out by simplification would cover the whole globe.
    if (geoArea(shape) > 2 * Math.PI) throw new Error(`simplifying ${shape.properties.name} turned it inside out`);
    if (areaKm2(full[index]!) >= SMALL_STATE_KM2 && areaKm2(shape) < areaKm2(full[index]!) / 2) {
      throw new Error(`simplifying ${shape.properties.name} lost half its area`);
    }
  });
  return world;
}

/** Indexes of the arcs a geometry uses (a negative index ~i is arc i reversed). */
function arcsOf(geometry: GeometryObject): number[] {
  const flat = (arcs: unknown): number[] => (Array.isArray(arcs) ? arcs.flatMap(flat) : [arcs as number]);
  return 'arcs' in geometry ? flat(geometry.arcs).map((index) => (index < 0 ? ~index : index)) : [];
}
