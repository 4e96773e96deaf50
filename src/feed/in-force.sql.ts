import { columnsAt } from '../db/columns';
import type { RawSql } from '../db/raw-sql';
import { DeploymentTable, FeedEntryTable, PolicyTable, type PolicyRow } from '../generated/model';

/*
 * The reads of the in-force writer (src/feed/in-force.writer.ts): which policy versions are due a
 * POLICY_IN_FORCE feed item, and what each one ends.
 */

const p = columnsAt(PolicyTable, 'p');
const v = columnsAt(PolicyTable, 'v');
const q = columnsAt(PolicyTable, 'q');
const d = columnsAt(DeploymentTable, 'd');
const f = columnsAt(FeedEntryTable, 'f');

export type DueVersion = Pick<PolicyRow, 'id' | 'countryCode' | 'nationality' | 'category'>;

export interface DueVersionWithEnded extends DueVersion, Pick<PolicyRow, 'status' | 'visaRequirement' | 'maxStayDays'> {
  endedId: string | null;
  endedStatus: PolicyRow['status'] | null;
  endedVisaRequirement: PolicyRow['visaRequirement'];
  endedMaxStayDays: number | null;
}

/**
 * The versions due an in-force item on `$1` (a date) or before, oldest first, that have none yet:
 * - recorded ahead of time: their first day is after the (UTC) day they were recorded; a version
 *   recorded on or after its first day was news when recorded (its POLICY_CHANGE item), and so is
 *   all imported history;
 * - still standing: not retracted, and not superseded before they began (a version replaced by one
 *   starting the same day has an empty period: effective_to = effective_from);
 * - first day after the deployment's in_force_since (see its migration).
 * The predicate repeats the partial index policy_ahead_of_time's, so that index answers it.
 */
const DUE = `SELECT ${p.id} AS id, ${p.country_code} AS "countryCode", ${p.nationality} AS nationality, ${p.category} AS category
  FROM ${PolicyTable.table} p, ${DeploymentTable.table} d
  WHERE ${p.effective_from} > (${p.recorded_at} AT TIME ZONE 'UTC')::date
    AND ${p.effective_from} <= $1::date AND ${p.effective_from} > ${d.in_force_since}
    AND ${p.retracted_at} IS NULL AND (${p.effective_to} IS NULL OR ${p.effective_to} > ${p.effective_from})
    AND NOT EXISTS (SELECT 1 FROM ${FeedEntryTable.table} f WHERE ${f.policy_id} = ${p.id} AND ${f.kind} = 'POLICY_IN_FORCE')`;

const DUE_FIRST = `${DUE} ORDER BY ${p.effective_from}, ${p.recorded_at} LIMIT $2`;

/**
 * The same, for the versions given (`$2`), each with the version in force the day before it
 * began: the one it ends. That is the latest standing version of its policy to start earlier (of
 * several starting the same day, the last recorded: the others' periods are empty), which a
 * version recorded after this one was cannot be.
 */
const DUE_WITH_ENDED = `SELECT due.id, due."countryCode", due.nationality, due.category, ${v.status} AS status, ${v.visa_requirement} AS "visaRequirement",
    ${v.max_stay_days} AS "maxStayDays", ended.id AS "endedId", ended.status AS "endedStatus",
    ended.visa_requirement AS "endedVisaRequirement", ended.max_stay_days AS "endedMaxStayDays"
  FROM (${DUE} AND ${p.id} = ANY($2::uuid[])) due
  JOIN ${PolicyTable.table} v ON ${v.id} = due.id
  LEFT JOIN LATERAL (
    SELECT ${q.id} AS id, ${q.status} AS status, ${q.visa_requirement} AS visa_requirement, ${q.max_stay_days} AS max_stay_days
    FROM ${PolicyTable.table} q
    WHERE ${q.country_code} = ${v.country_code} AND ${q.nationality} = ${v.nationality} AND ${q.category} = ${v.category}
      AND ${q.retracted_at} IS NULL AND ${q.effective_from} < ${v.effective_from}
    ORDER BY ${q.effective_from} DESC, ${q.recorded_at} DESC LIMIT 1
  ) ended ON true
  ORDER BY ${v.effective_from}, ${v.recorded_at}`;

/** Up to `limit` versions due by `day` (YYYY-MM-DD), oldest first. */
export function selectDueVersions(db: RawSql, day: string, limit: number): PromiseLike<DueVersion[]> {
  return db.$queryRawUnsafe<DueVersion[]>(DUE_FIRST, day, limit);
}

/** Of the versions `ids`, those still due by `day`, oldest first, each with the version it ends. */
export function selectDueWithEnded(tx: RawSql, day: string, ids: readonly string[]): PromiseLike<DueVersionWithEnded[]> {
  return tx.$queryRawUnsafe<DueVersionWithEnded[]>(DUE_WITH_ENDED, day, ids);
}
