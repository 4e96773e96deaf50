import { BadUserInputError } from '../../src/common/errors';
import { pageSize, pagesPerParent, toPage } from '../../src/common/pagination';

const limits = { default: 20, max: 100 };

describe('pageSize', () => {
  it('uses the default when first is absent', () => {
    expect(pageSize(undefined, limits)).toBe(20);
    expect(pageSize(null, limits)).toBe(20);
  });

  it('accepts every size from 0 to the maximum', () => {
    expect(pageSize(0, limits)).toBe(0);
    expect(pageSize(1, limits)).toBe(1);
    expect(pageSize(100, limits)).toBe(100);
  });

  it('refuses sizes outside the range, and fractions, naming the argument and the limit', () => {
    for (const first of [101, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => pageSize(first, limits)).toThrow(BadUserInputError);
      expect(() => pageSize(first, limits)).toThrow('first: must be between 0 and 100');
    }
    expect(() => pageSize(101, limits, 'statementsFirst')).toThrow(expect.objectContaining({ field: 'statementsFirst' }));
  });
});

describe('toPage', () => {
  const cursorOf = (row: number) => `c${row}`;

  it('takes size rows and tells from the extra one that a next page exists', () => {
    const page = toPage([1, 2, 3], 2, false, cursorOf, () => Promise.resolve(3));
    expect(page.edges).toEqual([{ cursor: 'c1', node: 1 }, { cursor: 'c2', node: 2 }]);
    expect(page.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: false, startCursor: 'c1', endCursor: 'c2' });
  });

  it('says there is no next page when exactly size rows came back', () => {
    expect(toPage([1, 2], 2, true, cursorOf, () => Promise.resolve(2)).pageInfo).toEqual({
      hasNextPage: false,
      hasPreviousPage: true,
      startCursor: 'c1',
      endCursor: 'c2',
    });
  });

  it('gives an empty page null cursors; with size 0 the one row fetched only tells that more exist', () => {
    expect(toPage([], 5, true, cursorOf, () => Promise.resolve(0)).pageInfo).toEqual({
      hasNextPage: false,
      hasPreviousPage: true,
      startCursor: null,
      endCursor: null,
    });
    const zero = toPage([1], 0, false, cursorOf, () => Promise.resolve(9));
    expect(zero.edges).toEqual([]);
    expect(zero.pageInfo.hasNextPage).toBe(true);
  });

  it('counts only when totalCount is asked for, and once', async () => {
    const count = jest.fn(() => Promise.resolve(7));
    const page = toPage([1], 1, false, cursorOf, count);
    expect(count).not.toHaveBeenCalled();
    expect(await page.totalCount()).toBe(7);
    expect(await page.totalCount()).toBe(7);
    expect(count).toHaveBeenCalledTimes(1);
  });
});

describe('pagesPerParent', () => {
  it('splits rows fetched for many parents into one page each, with one count for all', async () => {
    const rows = [
      { parent: 'AD', n: 1 },
      { parent: 'AD', n: 2 },
      { parent: 'AD', n: 3 },
      { parent: 'MC', n: 4 },
    ];
    const counts = jest.fn(() => Promise.resolve(new Map([['AD', 5], ['MC', 1]])));
    const pages = pagesPerParent(['AD', 'MC', 'SM'], rows, (row) => row.parent, 2, false, (row) => `c${row.n}`, counts);
    expect(pages.get('AD')!.edges.map((edge) => edge.node.n)).toEqual([1, 2]);
    expect(pages.get('AD')!.pageInfo.hasNextPage).toBe(true);
    expect(pages.get('MC')!.pageInfo.hasNextPage).toBe(false);
    expect(pages.get('SM')!.edges).toEqual([]);
    expect(await Promise.all(['AD', 'MC', 'SM'].map((code) => pages.get(code)!.totalCount()))).toEqual([5, 1, 0]);
    expect(counts).toHaveBeenCalledTimes(1);
  });
});
