import { inForceOn } from './dates';

/** What the map knows of the world for one passport on one day, as MAP_DESTINATIONS answers it. */
export interface Country {
  code: string;
  numeric: string | null;
  name: string;
}

export interface MapPolicy {
  id: string;
  category: string;
  status: string;
  visaRequirement: string | null;
  maxStayDays: number | null;
  title: string;
  effectiveFrom: string;
  effectiveTo: string | null;
}

export interface Rule {
  visa: { visaRequirement: string | null; maxStayDays: number | null } | null;
  policies: MapPolicy[];
}

export interface Destination extends Rule {
  country: { code: string };
}

/** Destinations by country code. */
export type Rules = Map<string, Rule>;

export function rulesFrom(destinations: readonly Destination[]): Rules {
  return new Map(destinations.map(({ country, visa, policies }) => [country.code, { visa, policies }]));
}

/**
 * A version that has just been committed, applied to the map of `date`: when it is in force that
 * day it replaces its category's version there (the one it closed, or an older one). Applying the
 * same version twice changes nothing, so a change the map's answer already had does no harm.
 */
export function applyVersion(rules: Rules, countryCode: string, version: MapPolicy, date: string): boolean {
  if (!inForceOn(version, date)) return false;
  const rule = rules.get(countryCode) ?? { visa: null, policies: [] };
  const policies = [...rule.policies.filter((policy) => policy.category !== version.category), version];
  policies.sort((a, b) => (a.category < b.category ? -1 : a.category > b.category ? 1 : 0));
  const visa = version.category === 'VISA' ? { visaRequirement: version.visaRequirement, maxStayDays: version.maxStayDays } : rule.visa;
  rules.set(countryCode, { visa, policies });
  return true;
}
