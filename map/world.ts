import { geoNaturalEarth1, geoPath } from 'd3-geo';
import { feature } from 'topojson-client';
import type { World, WorldProperties } from '../src/map/map.world';
import { svg } from './dom';
import { COLOURS, entryRestriction, LABELS, requirementOf, type Requirement } from './palette';
import type { Country, Rules } from './rules';

/** The world's shapes, drawn once; painting recolours them and marks restrictions. */
export class WorldMap {
  /** Every SVG element standing for a country (its shapes and its dot), by country code. */
  private readonly elements = new Map<string, SVGGraphicsElement[]>();
  private readonly marks: SVGGElement;

  constructor(
    private readonly root: SVGSVGElement,
    world: World,
    countryOf: (shape: { id?: string | number; properties: WorldProperties }) => Country | null,
  ) {
    const shapes = feature(world, world.objects.countries).features;
    const projection = geoNaturalEarth1().fitExtent([[4, 4], [956, 496]], { type: 'Sphere' });
    const path = geoPath(projection);

    const countries = svg('g', { class: 'countries' });
    this.marks = svg('g', { class: 'marks', 'aria-hidden': 'true' });
    const dots = svg('g', { class: 'dots' });
    root.append(svg('path', { class: 'sphere', d: path({ type: 'Sphere' }) ?? '' }), countries, dots, this.marks);

    for (const shape of shapes) {
      const country = countryOf(shape);
      const element = svg('path', { class: 'shape', d: path(shape) ?? '' });
      element.append(svg('title'));
      element.dataset.name = shape.properties.name;
      countries.append(element);
      const drawn: SVGGraphicsElement[] = [element];
      const dot = shape.properties.dot && projection(shape.properties.dot);
      if (dot) {
        const circle = svg('circle', { class: 'dot', cx: dot[0].toFixed(1), cy: dot[1].toFixed(1), r: '2.6' });
        circle.append(svg('title'));
        circle.dataset.name = shape.properties.name;
        dots.append(circle);
        drawn.push(circle);
      }
      for (const item of drawn) {
        if (country) item.dataset.code = country.code;
        this.paintOne(item, 'NO_DATA', false, country ? country.name : `${shape.properties.name} (no ISO 3166 code)`);
      }
      if (country) this.elements.set(country.code, [...(this.elements.get(country.code) ?? []), ...drawn]);
    }
  }

  /** Colours every country by its visa requirement and marks entry restrictions. */
  paint(rules: Rules, names: ReadonlyMap<string, string>): void {
    this.marks.replaceChildren();
    for (const [code, drawn] of this.elements) {
      const rule = rules.get(code);
      const requirement = requirementOf(rule?.visa);
      const restricted = entryRestriction(rule?.policies ?? []) !== null;
      for (const element of drawn) {
        this.paintOne(element, requirement, restricted, names.get(code) ?? code);
        if (restricted) {
          this.marks.append(markOver(element, code));
        }
      }
    }
  }

  /** Highlights the chosen country's outline. */
  select(code: string | null): void {
    for (const element of this.root.querySelectorAll('.selected')) element.classList.remove('selected');
    for (const element of (code && this.elements.get(code)) || []) element.classList.add('selected');
  }

  private paintOne(element: SVGGraphicsElement, requirement: Requirement, restricted: boolean, name: string): void {
    element.setAttribute('fill', COLOURS[requirement]);
    element.dataset.visa = requirement;
    element.dataset.restricted = String(restricted);
    element.querySelector('title')!.textContent = `${name}: ${LABELS[requirement]}${restricted ? '; entry restricted' : ''}`;
  }
}

/** The hatched, outlined copy of a shape or dot that marks an entry restriction. */
function markOver(element: SVGGraphicsElement, code: string): SVGGraphicsElement {
  const geometry = ['d', 'cx', 'cy', 'r'].filter((name) => element.hasAttribute(name));
  const mark = svg(element.tagName as 'path' | 'circle', { class: 'mark', ...Object.fromEntries(geometry.map((name) => [name, element.getAttribute(name)!])) });
  mark.dataset.markFor = code;
  return mark;
}
