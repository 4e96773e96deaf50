import { h } from './dom';
import { entryRestriction, LABELS, requirementOf } from './palette';
import type { Country, Rules } from './rules';

/** The map as text: one row per country, the same data the colours and marks show. */
export function renderTable(body: HTMLElement, caption: HTMLElement, countries: readonly Country[], rules: Rules, heading: string): void {
  caption.textContent = heading;
  body.replaceChildren(
    ...countries.map((country) => {
      const rule = rules.get(country.code);
      const restriction = entryRestriction(rule?.policies ?? []);
      const maxStay = rule?.visa?.maxStayDays;
      return h(
        'tr',
        { 'data-code': country.code },
        h('th', { scope: 'row' }, country.name),
        h('td', { 'data-visa': requirementOf(rule?.visa) }, LABELS[requirementOf(rule?.visa)]),
        h('td', {}, maxStay ? `${maxStay} days` : '—'),
        h('td', { 'data-restricted': String(restriction !== null) }, restriction ? `${restriction.status}: ${restriction.title} (since ${restriction.effectiveFrom})` : '—'),
      );
    }),
  );
}
