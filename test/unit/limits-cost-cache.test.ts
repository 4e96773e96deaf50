import 'reflect-metadata';
import { parse, type GraphQLSchema } from 'graphql';
import type { LRUCache } from 'lru-cache';
import { loadConfig } from '../../src/config/config';
import { OperationGuard } from '../../src/server/limits/guard';
import { buildBorderwatchSchema } from '../../src/server/schema';

/** The guard's remembered costs are keyed by client input: bounded in bytes, keys included, and by declared variables only. */
let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await buildBorderwatchSchema();
});

function guard(): { guard: OperationGuard; costs: LRUCache<string, number> } {
  const config = loadConfig({});
  const made = new OperationGuard(schema, config.limits, config.pageSize, true);
  return { guard: made, costs: (made as unknown as { costs: LRUCache<string, number> }).costs };
}

describe('the cost cache', () => {
  it('makes no entry for variables the operation does not declare', () => {
    const { guard: g, costs } = guard();
    const document = parse('query ($first: Int) { countries(first: $first) { totalCount } }');
    for (let i = 0; i < 50; i += 1) g.checkCost({ document, variables: { first: 10, [`pad${i}`]: 'x'.repeat(90_000) } });
    expect(costs.size).toBe(1);
    expect(costs.calculatedSize).toBeLessThan(1_000);
  });

  it('holds at most 4 MB, counting keys, however large the declared variables', () => {
    const { guard: g, costs } = guard();
    const document = parse('query ($search: String) { countries(first: 5, filter: { search: $search }) { totalCount } }');
    for (let i = 0; i < 100; i += 1) g.checkCost({ document, variables: { search: `${i}${'y'.repeat(90_000)}` } });
    expect(costs.calculatedSize).toBeLessThanOrEqual(4 * 2 ** 20);
    expect(costs.size).toBeLessThan(50);
    expect(costs.size).toBeGreaterThan(0);
  });
});
