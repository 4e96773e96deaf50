import 'reflect-metadata';
import { getOperationAST, parse, type GraphQLSchema } from 'graphql';
import { canonicalJson, declaredVariables } from '../../src/server/limits/operation-key';
import { buildBorderwatchSchema } from '../../src/server/schema';

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await buildBorderwatchSchema();
});

const operation = (query: string) => getOperationAST(parse(query))!;
const FEED = operation('query ($filter: FeedFilter, $first: Int, $after: String) { feed(filter: $filter, first: $first, after: $after) { totalCount } }');

describe('declaredVariables', () => {
  it('drops variables the operation does not declare, before they reach the key', () => {
    const declared = declaredVariables(schema, FEED, { first: 2, pad: 'x'.repeat(90_000) });
    expect(declared.values).toEqual({ first: 2 });
    expect(declared.key).toBe(declaredVariables(schema, FEED, { first: 2 }).key);
    expect(declared.key!.length).toBeLessThan(50);
  });

  it('gives one key to inputs that execute the same: key order, a single value for a list, an ID as a number', () => {
    const a = declaredVariables(schema, FEED, { filter: { kinds: ['EVENT'], countryCodes: ['FI'] }, first: 2 });
    const b = declaredVariables(schema, FEED, { first: 2, filter: { countryCodes: 'FI', kinds: 'EVENT' } });
    expect(a.key).toBe(b.key);
    const byId = operation('query ($id: ID!) { country(code: $id) { name } }');
    expect(declaredVariables(schema, byId, { id: 1 }).key).toBe(declaredVariables(schema, byId, { id: '1' }).key);
    expect(declaredVariables(schema, FEED, { first: 3 }).key).not.toBe(a.key);
  });

  it('has no key, and says why, when the variables do not fit', () => {
    const declared = declaredVariables(schema, FEED, { first: 'many' });
    expect(declared.key).toBeNull();
    expect(declared.errors[0]?.message).toMatch(/\$first/);
  });

  it('answers again from memory when given the declared values it handed on, and leaves the client\'s object alone', () => {
    const given = { first: 2, junk: true };
    const declared = declaredVariables(schema, FEED, given);
    expect(declaredVariables(schema, FEED, declared.values)).toBe(declared);
    expect(Object.getOwnPropertySymbols(given)).toEqual([]);
    // Hidden from anything that reads the variables.
    expect(JSON.stringify(declared.values)).toBe('{"first":2}');
    // Another operation given the same values is computed afresh.
    const other = operation('query ($first: Int) { countries(first: $first) { totalCount } }');
    expect(declaredVariables(schema, other, declared.values)).not.toBe(declared);
    expect(declaredVariables(schema, other, declared.values).values).toEqual({ first: 2 });
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every depth and keeps arrays in order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe('{"a":{"c":null,"d":[2,1]},"b":1}');
    expect(canonicalJson({ day: new Date('2024-01-02T00:00:00Z'), seq: 5n })).toBe('{"day":"2024-01-02T00:00:00.000Z","seq":"5"}');
  });
});
