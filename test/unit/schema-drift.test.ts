import 'reflect-metadata';
import { readFile } from 'node:fs/promises';
import { buildSchema, type GraphQLObjectType } from 'graphql';
import { renderSchema, schemaFile } from '../../scripts/print-schema';

describe('schema/schema.graphql', () => {
  it('is the SDL the code emits (run `npm run fix:schema` and commit when this fails)', async () => {
    const committed = await readFile(schemaFile, 'utf8');
    expect(committed).toBe(await renderSchema());
  });

  it('offers the read API of the issue, with its arguments', async () => {
    const schema = buildSchema(await readFile(schemaFile, 'utf8'));
    const args = (type: string, field: string) =>
      (schema.getType(type) as GraphQLObjectType)
        .getFields()
        [field]!.args.map((arg) => arg.name)
        .sort();
    const fieldsOf = (type: string) => Object.keys((schema.getType(type) as GraphQLObjectType).getFields()).sort();

    expect(args('Query', 'country')).toEqual(['code']);
    expect(args('Query', 'countries')).toEqual(['after', 'filter', 'first']);
    expect(args('Query', 'policies')).toEqual(['after', 'filter', 'first']);
    expect(args('Query', 'statements')).toEqual(['after', 'filter', 'first']);
    expect(args('Query', 'events')).toEqual(['after', 'filter', 'first']);
    expect(args('Query', 'feed')).toEqual(['after', 'filter', 'first']);
    expect(args('Country', 'currentPolicies')).toEqual(expect.arrayContaining(['category']));
    expect(args('Country', 'policiesAt')).toEqual(expect.arrayContaining(['category', 'date']));
    expect(args('Country', 'policyHistory')).toEqual(expect.arrayContaining(['after', 'category', 'first']));
    expect(args('Country', 'statements')).toEqual(['after', 'first']);
    expect(args('Country', 'events')).toEqual(['after', 'first']);

    expect(fieldsOf('CountryFilter')).toEqual(expect.arrayContaining(['category', 'region', 'search', 'status']));
    expect(fieldsOf('PolicyFilter')).toEqual(expect.arrayContaining(['categories', 'countryCodes', 'inForceOn', 'nationality', 'statuses']));
    expect(fieldsOf('StatementFilter')).toEqual(expect.arrayContaining(['countryCodes', 'from', 'search', 'speaker', 'to']));
    expect(fieldsOf('EventFilter')).toEqual(expect.arrayContaining(['countryCodes', 'from', 'kinds', 'to']));
    expect(fieldsOf('FeedFilter')).toEqual(expect.arrayContaining(['countryCodes', 'kinds', 'nationality']));

    for (const connection of ['CountryConnection', 'PolicyConnection', 'StatementConnection', 'EventConnection', 'FeedConnection']) {
      expect(fieldsOf(connection)).toEqual(['edges', 'pageInfo', 'totalCount']);
    }
    expect(fieldsOf('PolicyChange')).toEqual(expect.arrayContaining(['direction', 'policy', 'previous']));
    expect(schema.getType('ChangeDirection')?.toString()).toBe('ChangeDirection');
  });
});
