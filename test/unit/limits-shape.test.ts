import { parse } from 'graphql';
import { measureOperations } from '../../src/server/limits/shape';

const shapeOf = (document: string) => measureOperations(parse(document)).map((entry) => entry.shape);

describe('measureOperations', () => {
  it('counts depth, aliases, directives and fields of each operation', () => {
    expect(shapeOf('query A { a: countries { b: totalCount @include(if: true) } } query B { __typename }')).toEqual([
      { depth: 2, aliases: 2, directives: 1, selections: 2 },
      { depth: 1, aliases: 0, directives: 0, selections: 1 },
    ]);
  });

  it('expands fragments and inline fragments where they are spread', () => {
    expect(shapeOf('{ policies { ...P ... on Query { x: __typename } } } fragment P on PolicyConnection { edges { node { id } } }')).toEqual([
      { depth: 4, aliases: 1, directives: 0, selections: 5 },
    ]);
  });

  it('counts a fragment doubled at each of 60 levels as the 2^60 fields it stands for, in linear time', () => {
    const fragments = ['fragment F0 on Query { __typename }'];
    for (let i = 1; i <= 60; i += 1) fragments.push(`fragment F${i} on Query { ...F${i - 1} ...F${i - 1} }`);
    const started = Date.now();
    const [shape] = shapeOf(`{ ...F60 } ${fragments.join(' ')}`);
    expect(Date.now() - started).toBeLessThan(200);
    expect(shape!.selections).toBe(2 ** 60);
  });

  it('stops at a fragment cycle instead of recursing for ever (NoFragmentCycles reports it)', () => {
    expect(shapeOf('{ ...A } fragment A on Query { a: __typename ...B } fragment B on Query { ...A }')).toEqual([
      { depth: 1, aliases: 1, directives: 0, selections: 1 },
    ]);
  });
});
