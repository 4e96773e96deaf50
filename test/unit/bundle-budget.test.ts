import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { buildMap, MAP_BUDGET_BYTES } from '../../scripts/build-map';
import { BundleBudgetError, checkBudget } from '../../scripts/bundle-budget';
import { mapBuildDir } from '../../src/map/map.paths';

/** The map's size budget: what it measures, that it fails a build, and that the current build keeps it. */
describe('checkBudget', () => {
  it('measures each file gzipped and passes a bundle within the budget', () => {
    const report = checkBudget('test bundle', [{ name: 'a.js', content: 'x'.repeat(100_000) }, { name: 'b.json', content: '[]' }], 2048);
    expect(report.files.map((file) => file.name)).toEqual(['a.js', 'b.json']);
    expect(report.files[0]!.bytes).toBe(100_000);
    expect(report.files[0]!.gzipBytes).toBeLessThan(1024);
    expect(report.gzipBytes).toBe(report.files[0]!.gzipBytes + report.files[1]!.gzipBytes);
  });

  it('fails an oversized bundle, naming every file and the budget', () => {
    // Random bytes do not compress: 200 KB stays 200 KB gzipped.
    const files = [{ name: 'huge.js', content: randomBytes(200 * 1024) }, { name: 'small.css', content: 'a{}' }];
    expect(() => checkBudget('The map (/map)', files, 150 * 1024)).toThrow(BundleBudgetError);
    expect(() => checkBudget('The map (/map)', files, 150 * 1024)).toThrow(/The map \(\/map\) is 200\.\d KB gzipped, over its budget of 150\.0 KB:[\s\S]*huge\.js[\s\S]*small\.css/);
  });
});

describe('the map build', () => {
  it('fails when the bundle exceeds its budget, and leaves the last build in place', async () => {
    const before = await readFile(path.join(mapBuildDir, 'index.html'), 'utf8');
    await expect(buildMap({ force: true, budgetBytes: 10 * 1024 })).rejects.toThrow(/over its budget of 10\.0 KB/);
    expect(await readFile(path.join(mapBuildDir, 'index.html'), 'utf8')).toBe(before);
    const leftovers = (await readdir(path.dirname(mapBuildDir))).filter((name) => name.startsWith('map.tmp-'));
    expect(leftovers).toEqual([]);
  }, 120_000);

  it('is within its budget now: script, stylesheet and world data', async () => {
    const names = (await readdir(mapBuildDir)).filter((name) => /\.(js|css|json)$/.test(name));
    expect(names.map((name) => name.replace(/-\w+\./, '.')).sort()).toEqual(['main.css', 'main.js', 'world.json']);
    const files = await Promise.all(names.map(async (name) => ({ name, content: await readFile(path.join(mapBuildDir, name)) })));
    const report = checkBudget('The map (/map)', files, MAP_BUDGET_BYTES);
    expect(report.gzipBytes).toBeLessThanOrEqual(MAP_BUDGET_BYTES);
  });
});
