-- Each API write (recordPolicyChange, addStatement, addEvent, retract) as one call of one function: one
-- round trip, no interactive transaction (issue 12, item 5). The calling statements are in the *.sql.ts
-- data modules; they take the record's advisory locks in the call's last argument (src/db/locks.ts builds
-- the key and takes the locks, so the key exists once), which PostgreSQL evaluates before the body runs.
-- Every statement of a body then reads a snapshot taken after the locks (PL/pgSQL, VOLATILE): two writers
-- of one policy never both see the same open version. The feed entry is appended last, so the feed
-- counter's row is locked only from there to the commit.
--
-- A refusal is SQLSTATE BW001, the rule as its message and the facts as a JSON DETAIL;
-- src/db/write-errors.ts turns it into the API's error (BAD_USER_INPUT naming the field, CONFLICT,
-- NOT_FOUND), the same the earlier TypeScript write path threw.

CREATE FUNCTION bw_refuse(rule text, facts jsonb) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION USING ERRCODE = 'BW001', MESSAGE = rule, DETAIL = facts::text;
END $$;

-- The feed append: gapless, commit-ordered numbers from the single feed_counter row. Updating the row
-- locks it until commit, so a transaction taking number n+1 waits for the one holding n to end; a
-- sequence could not promise that. `entries`: a JSON array of feed_entry columns plus `ord` (1, 2, …).
-- src/feed/feed.writer.ts (appendFeedEntries) calls it for the importer and the in-force writer.
CREATE FUNCTION bw_append_feed(entries jsonb) RETURNS SETOF feed_entry LANGUAGE sql AS $$
  WITH counter AS (
    UPDATE feed_counter SET value = value + jsonb_array_length(entries) WHERE id = 1
    RETURNING value - jsonb_array_length(entries) AS base
  ), items AS (
    SELECT * FROM jsonb_to_recordset(entries) AS t(
      kind text, nationality text, country_codes varchar(2)[], policy_id uuid, previous_policy_id uuid,
      direction text, category text, status text, statement_id uuid, event_id uuid, retracted_type text,
      retracted_id uuid, reason text, ord bigint)
  )
  INSERT INTO feed_entry (seq, kind, nationality, country_codes, policy_id, previous_policy_id, direction, category, status,
                          statement_id, event_id, retracted_type, retracted_id, reason, committed_at)
  SELECT counter.base + items.ord, items.kind::"FeedKind", items.nationality,
         ARRAY(SELECT DISTINCT c FROM unnest(items.country_codes) AS c ORDER BY c)::varchar(2)[],
         items.policy_id, items.previous_policy_id, items.direction::"ChangeDirection", items.category::"PolicyCategory",
         items.status::"PolicyStatus", items.statement_id, items.event_id,
         items.retracted_type::"RecordType", items.retracted_id, items.reason, clock_timestamp()
  FROM counter, items
  ORDER BY items.ord
  RETURNING *
$$;

CREATE FUNCTION bw_append_feed_entry(entry jsonb) RETURNS feed_entry LANGUAGE sql AS $$
  SELECT * FROM bw_append_feed(jsonb_build_array(entry || '{"ord": 1}'::jsonb))
$$;

-- A source row per URL (the natural key: a URL already known keeps its first title), and each URL's
-- position among the distinct URLs given (the first is the primary source).
CREATE FUNCTION bw_ensure_sources(sources jsonb) RETURNS TABLE (source_id uuid, source_position smallint) LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO source (url, title, publisher, published_at, retrieved_at)
  SELECT s.url, s.title, s.publisher, s."publishedAt"::date, s."retrievedAt"::timestamptz
  FROM jsonb_to_recordset(sources) AS s(url text, title text, publisher text, "publishedAt" text, "retrievedAt" text)
  ON CONFLICT (url) DO NOTHING;
  RETURN QUERY
    SELECT src.id, (row_number() OVER (ORDER BY given.first) - 1)::smallint
    FROM (SELECT value->>'url' AS url, min(n) AS first FROM jsonb_array_elements(sources) WITH ORDINALITY AS e(value, n) GROUP BY 1) AS given
    JOIN source src ON src.url = given.url;
END $$;

-- Versioning rules that the importer's in-memory planner also applies (src/policy/policy.versioning.ts);
-- test/integration/versioning-rules.test.ts runs both on generated cases and expects the same answers.
-- A version may start on the day the current one did (a correction), never before.
CREATE FUNCTION bw_appendable(current_from date, next_from date) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT current_from IS NULL OR next_from >= current_from
$$;

-- NEW without a previous version; otherwise the status, then the visa requirement, then the permitted
-- stay (longer is looser). The enums are declared least strict first, so their order is the strictness.
CREATE FUNCTION bw_change_direction(prev_status "PolicyStatus", prev_visa "VisaRequirement", prev_stay int,
                                    next_status "PolicyStatus", next_visa "VisaRequirement", next_stay int)
RETURNS "ChangeDirection" LANGUAGE sql STABLE AS $$
  SELECT (CASE
    WHEN prev_status IS NULL THEN 'NEW'
    WHEN next_status > prev_status THEN 'STRICTER'
    WHEN next_status < prev_status THEN 'LOOSER'
    WHEN next_visa > prev_visa THEN 'STRICTER'
    WHEN next_visa < prev_visa THEN 'LOOSER'
    WHEN next_stay < prev_stay THEN 'STRICTER'
    WHEN next_stay > prev_stay THEN 'LOOSER'
    ELSE 'UNCHANGED'
  END)::"ChangeDirection"
$$;

-- recordPolicyChange. `input`: the validated PolicyChangeInput as JSON; `locked`: the policy's lock, taken
-- by the caller's statement. Reads the open version, checks expectedPreviousId and the append rule,
-- closes the open version, inserts the new one, links its sources, appends the feed entry.
CREATE FUNCTION bw_record_policy_change(input jsonb, locked bigint,
  OUT recorded policy, OUT closed policy, OUT change_direction "ChangeDirection", OUT entry feed_entry)
LANGUAGE plpgsql AS $$
DECLARE
  v_country varchar(2) := input->>'countryCode';
  v_nationality varchar(2) := input->>'nationality';
  v_category "PolicyCategory" := (input->>'category')::"PolicyCategory";
  v_from date := (input->>'effectiveFrom')::date;
  v_expected uuid := (input->>'expectedPreviousId')::uuid;
  head policy;
BEGIN
  SELECT * INTO head FROM policy
  WHERE country_code = v_country AND nationality = v_nationality AND category = v_category
    AND effective_to IS NULL AND retracted_at IS NULL
  LIMIT 1;
  IF v_expected IS NOT NULL AND head.id IS DISTINCT FROM v_expected THEN
    PERFORM bw_refuse('stale-previous', jsonb_build_object('field', 'expectedPreviousId', 'currentId', head.id, 'expectedId', v_expected,
      'countryCode', v_country, 'nationality', v_nationality, 'category', v_category));
  END IF;
  IF NOT bw_appendable(head.effective_from, v_from) THEN
    PERFORM bw_refuse('not-before-current', jsonb_build_object('field', 'effectiveFrom', 'currentFrom', head.effective_from));
  END IF;
  IF head.id IS NOT NULL THEN
    UPDATE policy SET effective_to = v_from WHERE id = head.id RETURNING * INTO closed;
  END IF;
  INSERT INTO policy (country_code, nationality, category, status, visa_requirement, max_stay_days, title, summary,
                      effective_from, changed_after, announced_at, verification, previous_id)
  VALUES (v_country, v_nationality, v_category, (input->>'status')::"PolicyStatus", (input->>'visaRequirement')::"VisaRequirement",
          (input->>'maxStayDays')::int, input->>'title', input->>'summary', v_from, (input->>'changedAfter')::date,
          (input->>'announcedAt')::date, (input->>'verification')::"Verification", head.id)
  RETURNING * INTO recorded;
  INSERT INTO policy_source (policy_id, source_id, position)
  SELECT recorded.id, s.source_id, s.source_position FROM bw_ensure_sources(input->'sources') AS s;
  change_direction := bw_change_direction(head.status, head.visa_requirement, head.max_stay_days,
                                          recorded.status, recorded.visa_requirement, recorded.max_stay_days);
  entry := bw_append_feed_entry(jsonb_build_object(
    'kind', 'POLICY_CHANGE', 'nationality', v_nationality, 'country_codes', jsonb_build_array(v_country),
    'policy_id', recorded.id, 'previous_policy_id', head.id, 'direction', change_direction,
    'category', recorded.category, 'status', recorded.status));
END $$;

-- A statement, without its feed entry (bw_add_statement appends it). `input`: the validated
-- AddStatementInput as JSON. The reply and the related policies must exist.
CREATE FUNCTION bw_insert_statement(input jsonb) RETURNS statement LANGUAGE plpgsql AS $$
DECLARE
  v_reply uuid := (input->>'replyToId')::uuid;
  missing record;
  recorded statement;
BEGIN
  IF v_reply IS NOT NULL AND NOT EXISTS (SELECT 1 FROM statement WHERE id = v_reply) THEN
    PERFORM bw_refuse('unknown-statement', jsonb_build_object('field', 'replyToId', 'id', v_reply));
  END IF;
  SELECT r.n - 1 AS index, r.value AS id INTO missing
  FROM jsonb_array_elements_text(input->'relatedPolicyIds') WITH ORDINALITY AS r(value, n)
  WHERE NOT EXISTS (SELECT 1 FROM policy p WHERE p.id = r.value::uuid)
  ORDER BY r.n LIMIT 1;
  IF FOUND THEN
    PERFORM bw_refuse('unknown-policy', jsonb_build_object('field', 'relatedPolicyIds.' || missing.index, 'id', missing.id));
  END IF;
  INSERT INTO statement (speaker, speaker_role, country_code, said_at, said_at_precision, text, language, medium, reply_to_id, verification)
  VALUES (input->>'speaker', input->>'speakerRole', input->>'countryCode', (input->>'saidAt')::timestamptz,
          (input->>'saidAtPrecision')::"TimePrecision", input->>'text', input->>'language', (input->>'medium')::"StatementMedium",
          v_reply, (input->>'verification')::"Verification")
  RETURNING * INTO recorded;
  INSERT INTO statement_source (statement_id, source_id, position)
  SELECT recorded.id, s.source_id, s.source_position FROM bw_ensure_sources(input->'sources') AS s;
  INSERT INTO statement_policy (statement_id, policy_id)
  SELECT recorded.id, value::uuid FROM jsonb_array_elements_text(input->'relatedPolicyIds');
  RETURN recorded;
END $$;

CREATE FUNCTION bw_add_statement(input jsonb, OUT recorded statement, OUT entry feed_entry) LANGUAGE plpgsql AS $$
BEGIN
  recorded := bw_insert_statement(input);
  entry := bw_append_feed_entry(jsonb_build_object(
    'kind', 'STATEMENT', 'statement_id', recorded.id,
    'country_codes', CASE WHEN recorded.country_code IS NULL THEN '[]'::jsonb ELSE jsonb_build_array(recorded.country_code) END));
END $$;

-- An event, without its feed entry. `input`: the validated AddEventInput as JSON, with `countryCodes`
-- already every country involved (src/event/event-write.service.ts adds the place where it happened).
CREATE FUNCTION bw_insert_event(input jsonb) RETURNS event LANGUAGE plpgsql AS $$
DECLARE
  recorded event;
BEGIN
  INSERT INTO event (title, description, kind, occurred_on, country_code, figure_value, figure_unit, figure_qualifier, verification)
  VALUES (input->>'title', input->>'description', (input->>'kind')::"EventKind", (input->>'occurredOn')::date, input->>'countryCode',
          (input#>>'{figure,value}')::numeric, input#>>'{figure,unit}', (input#>>'{figure,qualifier}')::"FigureQualifier",
          (input->>'verification')::"Verification")
  RETURNING * INTO recorded;
  INSERT INTO event_source (event_id, source_id, position)
  SELECT recorded.id, s.source_id, s.source_position FROM bw_ensure_sources(input->'sources') AS s;
  INSERT INTO event_country (event_id, country_code)
  SELECT DISTINCT recorded.id, value FROM jsonb_array_elements_text(input->'countryCodes');
  RETURN recorded;
END $$;

CREATE FUNCTION bw_add_event(input jsonb, OUT recorded event, OUT entry feed_entry) LANGUAGE plpgsql AS $$
BEGIN
  recorded := bw_insert_event(input);
  entry := bw_append_feed_entry(jsonb_build_object(
    'kind', 'EVENT', 'event_id', recorded.id, 'country_codes', input->'countryCodes'));
END $$;

-- retract. A policy version: under its lock (taken by the caller's statement), marked retracted; the
-- version after it points back past it and the version before it takes over its period. A statement
-- or event: a conditional UPDATE, so of two concurrent retractions the second waits for the first's
-- row lock, finds the row retracted, and is refused (CONFLICT, no second feed item, the first reason kept).
-- Returns the feed entry and the record as retracted (one of the three), for the mutation's answer.
CREATE FUNCTION bw_retract(target uuid, why text, locked bigint,
  OUT entry feed_entry, OUT retracted_policy policy, OUT retracted_statement statement, OUT retracted_event event)
LANGUAGE plpgsql AS $$
DECLARE
  version policy;
  v_codes varchar(2)[];
  v_retracted_at timestamptz;
  item jsonb;
BEGIN
  SELECT * INTO version FROM policy WHERE id = target;
  IF version.id IS NOT NULL THEN
    IF version.retracted_at IS NOT NULL THEN
      PERFORM bw_refuse('already-retracted', jsonb_build_object('id', target, 'retractedAt', version.retracted_at));
    END IF;
    UPDATE policy SET retracted_at = now(), retraction_reason = why WHERE id = target RETURNING * INTO retracted_policy;
    UPDATE policy SET previous_id = version.previous_id WHERE previous_id = target AND retracted_at IS NULL;
    IF version.previous_id IS NOT NULL THEN
      UPDATE policy SET effective_to = version.effective_to WHERE id = version.previous_id;
    END IF;
    item := jsonb_build_object('kind', 'RETRACTION', 'nationality', version.nationality, 'country_codes', jsonb_build_array(version.country_code),
                               'retracted_type', 'POLICY', 'retracted_id', target, 'category', version.category, 'reason', why);
  ELSE
    UPDATE statement SET retracted_at = now(), retraction_reason = why WHERE id = target AND retracted_at IS NULL
    RETURNING * INTO retracted_statement;
    IF FOUND THEN
      item := jsonb_build_object('kind', 'RETRACTION', 'retracted_type', 'STATEMENT', 'retracted_id', target, 'reason', why,
                                 'country_codes', CASE WHEN retracted_statement.country_code IS NULL THEN '[]'::jsonb
                                                       ELSE jsonb_build_array(retracted_statement.country_code) END);
    ELSE
      SELECT retracted_at INTO v_retracted_at FROM statement WHERE id = target;
      IF FOUND THEN
        PERFORM bw_refuse('already-retracted', jsonb_build_object('id', target, 'retractedAt', v_retracted_at));
      END IF;
      UPDATE event SET retracted_at = now(), retraction_reason = why WHERE id = target AND retracted_at IS NULL
      RETURNING * INTO retracted_event;
      IF NOT FOUND THEN
        SELECT retracted_at INTO v_retracted_at FROM event WHERE id = target;
        IF FOUND THEN
          PERFORM bw_refuse('already-retracted', jsonb_build_object('id', target, 'retractedAt', v_retracted_at));
        END IF;
        PERFORM bw_refuse('not-found', jsonb_build_object('id', target));
      END IF;
      v_codes := ARRAY(SELECT ec.country_code FROM event_country ec WHERE ec.event_id = target);
      item := jsonb_build_object('kind', 'RETRACTION', 'retracted_type', 'EVENT', 'retracted_id', target, 'reason', why,
                                 'country_codes', to_jsonb(v_codes));
    END IF;
  END IF;
  entry := bw_append_feed_entry(item);
END $$;
