/** The floor's hand-written SQL; the pg-pool limit runs FEED_SQL too. */
const SOURCES = (table: string, key: string, id: string) =>
  `coalesce((SELECT json_agg(json_build_object('url', s.url, 'publisher', s.publisher)) FROM ${table} l JOIN source s ON s.id = l.source_id WHERE l.${key} = ${id}), '[]'::json)`;
const COUNTRY = (code: string) =>
  `(SELECT json_build_object('code', c.code, 'name', c.name) FROM country c WHERE c.code = ${code})`;

export const FEED_SQL = `
SELECT e.seq::text AS seq, e.kind::text AS kind, e.committed_at AS "committedAt",
  CASE e.kind
    WHEN 'POLICY_CHANGE' THEN json_build_object('__typename', 'PolicyChange', 'direction', e.direction,
      'policy', (SELECT json_build_object('id', p.id, 'category', p.category, 'status', p.status, 'title', p.title,
                   'effectiveFrom', p.effective_from, 'effectiveTo', p.effective_to, 'country', ${COUNTRY('p.country_code')},
                   'sources', ${SOURCES('policy_source', 'policy_id', 'p.id')})
                 FROM policy p WHERE p.id = e.policy_id),
      'previous', (SELECT json_build_object('id', p.id, 'status', p.status, 'title', p.title, 'effectiveFrom', p.effective_from)
                   FROM policy p WHERE p.id = e.previous_policy_id))
    WHEN 'STATEMENT' THEN (SELECT json_build_object('__typename', 'Statement', 'id', s.id, 'speaker', s.speaker, 'text', s.text,
                   'saidAt', s.said_at, 'country', ${COUNTRY('s.country_code')}, 'sources', ${SOURCES('statement_source', 'statement_id', 's.id')})
                 FROM statement s WHERE s.id = e.statement_id)
    WHEN 'EVENT' THEN (SELECT json_build_object('__typename', 'Event', 'id', v.id, 'title', v.title, 'occurredOn', v.occurred_on,
                   'country', ${COUNTRY('v.country_code')}, 'sources', ${SOURCES('event_source', 'event_id', 'v.id')})
                 FROM event v WHERE v.id = e.event_id)
    ELSE json_build_object('__typename', 'Retraction', 'reason', coalesce(e.reason, ''))
  END AS node
FROM feed_entry e WHERE ($2::bigint IS NULL OR e.seq < $2) ORDER BY e.seq DESC LIMIT $1`;

const IN_FORCE = (date: string) =>
  `p.nationality = 'RU' AND p.retracted_at IS NULL AND p.effective_from <= ${date} AND (p.effective_to IS NULL OR p.effective_to > ${date})`;

export const COUNTRIES_SQL = `
SELECT c.code, c.name, count(*) OVER () AS total,
  coalesce((SELECT json_agg(json_build_object('id', p.id, 'category', p.category, 'status', p.status, 'title', p.title,
              'effectiveFrom', p.effective_from, 'effectiveTo', p.effective_to) ORDER BY p.category)
            FROM policy p WHERE p.country_code = c.code AND ${IN_FORCE('current_date')}), '[]'::json) AS "currentPolicies"
FROM country c ORDER BY c.name, c.code LIMIT $1`;

const POLICY_FIELDS = `p.id, p.category::text, p.status::text, p.title, to_char(p.effective_from, 'YYYY-MM-DD') AS "effectiveFrom",
  to_char(p.effective_to, 'YYYY-MM-DD') AS "effectiveTo"`;

export const AT_SQL = `SELECT ${POLICY_FIELDS} FROM policy p WHERE p.country_code = $1 AND ${IN_FORCE('$2::date')} ORDER BY p.category`;

export const HISTORY_SQL = `SELECT ${POLICY_FIELDS}, count(*) OVER () AS total FROM policy p
  WHERE p.country_code = $1 AND p.nationality = 'RU' AND p.retracted_at IS NULL
  ORDER BY p.effective_from DESC, p.recorded_at DESC, p.id DESC LIMIT $2`;


/** Scenario 2b: one nationality's destinations on a day, grouped by country, policies by category. */
export const DESTINATIONS_SQL = `
SELECT p.country_code AS code,
  json_agg(json_build_object('category', p.category, 'status', p.status, 'visaRequirement', p.visa_requirement,
           'maxStayDays', p.max_stay_days) ORDER BY p.category) AS policies
FROM policy p
WHERE p.nationality = $1 AND p.retracted_at IS NULL AND p.effective_from <= $2::date AND (p.effective_to IS NULL OR p.effective_to > $2::date)
GROUP BY p.country_code ORDER BY p.country_code`;

/** The write floor: recordPolicyChange in one call of the function in write.sql. */
export const RECORD_SQL = 'SELECT bench_floor.record_policy_change($1, $2::jsonb) AS change';
