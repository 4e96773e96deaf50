import { columnsOf } from '../../src/db/columns';
import { insertFromJson } from '../../src/db/json-rows';
import { PolicySourceTable, SourceTable } from '../../src/generated/model';

/** The importer's set-based INSERTs are derived from src/generated/model.ts: columns from fields, never retyped. */
describe('insertFromJson', () => {
  it('inserts the columns of the fields given, read from a JSON row set keyed by field name', () => {
    expect(insertFromJson(PolicySourceTable, { policyId: 'uuid', sourceId: 'uuid', position: 'smallint' }, { onConflict: 'ON CONFLICT DO NOTHING' })).toBe(
      [
        'INSERT INTO policy_source (policy_id, source_id, position)',
        'SELECT t."policyId", t."sourceId", t."position" FROM jsonb_to_recordset($1::jsonb) AS t("policyId" uuid, "sourceId" uuid, "position" smallint)',
        'ON CONFLICT DO NOTHING',
      ].join('\n'),
    );
  });

  it('keeps the rows in their order and computes the fields SQL gives', () => {
    const text = insertFromJson(SourceTable, { url: 'text', publishedAt: 'date' }, { ordered: true, computed: { retrievedAt: 'now()' } });
    expect(text).toBe(
      [
        'INSERT INTO source (url, published_at, retrieved_at)',
        'SELECT t."url", t."publishedAt", now() FROM jsonb_to_recordset($1::jsonb) AS t(ord int, "url" text, "publishedAt" date)',
        'ORDER BY t.ord',
      ].join('\n'),
    );
  });
});

describe('columnsOf', () => {
  it('names each column by itself, keyed by column', () => {
    const S = columnsOf(SourceTable);
    expect(`${S.published_at}, ${S.url}`).toBe('published_at, url');
  });
});
