-- The write floor (applied by the benchmark to its own database only, in a schema PostGraphile does
-- not expose): what recordPolicyChange does to the database, in one round trip. Check the editor's
-- token, take the policy's advisory lock (the key src/db/locks.ts builds), read the open version,
-- refuse a start before it, close it, insert the new version, ensure its sources by URL and link
-- them in the order given, work out the direction (src/policy/policy.direction.ts), take the next
-- feed number from feed_counter (the row lock keeps numbers gapless and in commit order) and append
-- the feed entry. PL/pgSQL, not one SQL statement: each statement after the lock needs a snapshot
-- taken after it, or two writers of one policy would both see the same open version.
CREATE SCHEMA IF NOT EXISTS bench_floor;

CREATE OR REPLACE FUNCTION bench_floor.record_policy_change(token_hash text, input jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_country varchar(2) := input->>'countryCode';
  v_nationality varchar(2) := coalesce(input->>'nationality', 'RU');
  v_category "PolicyCategory" := (input->>'category')::"PolicyCategory";
  v_status "PolicyStatus" := (input->>'status')::"PolicyStatus";
  v_visa "VisaRequirement" := (input->>'visaRequirement')::"VisaRequirement";
  v_stay int := (input->>'maxStayDays')::int;
  v_from date := (input->>'effectiveFrom')::date;
  v_previous policy;
  v_policy policy;
  v_direction "ChangeDirection";
  v_seq bigint;
  by_status int;
  by_visa int;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM api_token WHERE hash = token_hash AND revoked_at IS NULL) THEN
    RAISE EXCEPTION 'a valid editor token is required' USING ERRCODE = 'insufficient_privilege';
  END IF;
  PERFORM pg_advisory_xact_lock(hashtextextended('policy:' || v_country || '/' || v_nationality || '/' || v_category, 0));
  SELECT * INTO v_previous FROM policy
  WHERE country_code = v_country AND nationality = v_nationality AND category = v_category AND effective_to IS NULL AND retracted_at IS NULL;
  IF v_previous.id IS NOT NULL AND v_from < v_previous.effective_from THEN
    RAISE EXCEPTION 'effectiveFrom must not be before %', v_previous.effective_from USING ERRCODE = 'check_violation';
  END IF;
  IF v_previous.id IS NOT NULL THEN
    UPDATE policy SET effective_to = v_from WHERE id = v_previous.id;
  END IF;
  INSERT INTO policy (country_code, nationality, category, status, visa_requirement, max_stay_days, title, summary, effective_from,
                      changed_after, announced_at, verification, previous_id)
  VALUES (v_country, v_nationality, v_category, v_status, v_visa, v_stay, input->>'title', input->>'summary', v_from,
          (input->>'changedAfter')::date, (input->>'announcedAt')::date, coalesce((input->>'verification')::"Verification", 'VERIFIED'), v_previous.id)
  RETURNING * INTO v_policy;
  INSERT INTO source (url, title, publisher, published_at, retrieved_at)
  SELECT s.url, s.title, s.publisher, s."publishedAt", s."retrievedAt"
  FROM jsonb_to_recordset(input->'sources') AS s(url text, title text, publisher text, "publishedAt" date, "retrievedAt" timestamptz)
  ON CONFLICT (url) DO NOTHING;
  INSERT INTO policy_source (policy_id, source_id, position)
  SELECT v_policy.id, src.id, (min(given.position) - 1)::smallint
  FROM jsonb_array_elements(input->'sources') WITH ORDINALITY AS given(value, position)
  JOIN source src ON src.url = given.value->>'url'
  GROUP BY src.id;
  -- changeDirection: status first, then the visa requirement, then the stay (enum order = least strict first).
  IF v_previous.id IS NULL THEN
    v_direction := 'NEW';
  ELSE
    by_status := array_position(enum_range(NULL::"PolicyStatus"), v_status) - array_position(enum_range(NULL::"PolicyStatus"), v_previous.status);
    by_visa := array_position(enum_range(NULL::"VisaRequirement"), v_visa) - array_position(enum_range(NULL::"VisaRequirement"), v_previous.visa_requirement);
    v_direction := CASE
      WHEN by_status > 0 THEN 'STRICTER' WHEN by_status < 0 THEN 'LOOSER'
      WHEN by_visa > 0 THEN 'STRICTER' WHEN by_visa < 0 THEN 'LOOSER'
      WHEN v_stay IS NOT NULL AND v_previous.max_stay_days IS NOT NULL AND v_stay <> v_previous.max_stay_days THEN
        CASE WHEN v_stay < v_previous.max_stay_days THEN 'STRICTER' ELSE 'LOOSER' END
      ELSE 'UNCHANGED'
    END;
  END IF;
  UPDATE feed_counter SET value = value + 1 WHERE id = 1 RETURNING value INTO v_seq;
  INSERT INTO feed_entry (seq, kind, nationality, country_codes, policy_id, previous_policy_id, direction, category, status, committed_at)
  VALUES (v_seq, 'POLICY_CHANGE', v_nationality, ARRAY[v_country]::varchar(2)[], v_policy.id, v_previous.id, v_direction, v_category, v_status, clock_timestamp());
  RETURN jsonb_build_object(
    'seq', v_seq::text,
    'direction', v_direction,
    'policy', jsonb_build_object('id', v_policy.id, 'category', v_policy.category, 'status', v_policy.status, 'title', v_policy.title,
                                 'effectiveFrom', v_policy.effective_from, 'effectiveTo', v_policy.effective_to),
    'previous', CASE WHEN v_previous.id IS NULL THEN NULL ELSE
                  jsonb_build_object('id', v_previous.id, 'category', v_previous.category, 'status', v_previous.status, 'title', v_previous.title,
                                     'effectiveFrom', v_previous.effective_from, 'effectiveTo', v_from) END);
END $$;
