-- Applied by the benchmark to its own database only, for PostGraphile: what a PostGraphile user
-- would add to expose the same data. Nothing in Borderwatch reads it.
--
-- feed_entry points at policies, statements and events without foreign keys (a retraction
-- must never be blocked by them); smart tags declare the relations instead.
COMMENT ON TABLE feed_entry IS E'@foreignKey (policy_id) references policy (id)|@fieldName policyByPolicyId\n@foreignKey (previous_policy_id) references policy (id)|@fieldName policyByPreviousPolicyId|@foreignFieldName feedEntriesAsPrevious\n@foreignKey (statement_id) references statement (id)\n@foreignKey (event_id) references event (id)';

-- The policies in force today and on a given day, as computed columns of country (RU rules,
-- retracted versions excluded), like Borderwatch's currentPolicies and policiesAt.
CREATE OR REPLACE FUNCTION country_current_policies(c country) RETURNS SETOF policy LANGUAGE sql STABLE AS $$
  SELECT p.* FROM policy p
  WHERE p.country_code = c.code AND p.nationality = 'RU' AND p.retracted_at IS NULL
    AND p.effective_from <= current_date AND (p.effective_to IS NULL OR p.effective_to > current_date)
  ORDER BY p.category
$$;

CREATE OR REPLACE FUNCTION country_policies_at(c country, at date) RETURNS SETOF policy LANGUAGE sql STABLE AS $$
  SELECT p.* FROM policy p
  WHERE p.country_code = c.code AND p.nationality = 'RU' AND p.retracted_at IS NULL
    AND p.effective_from <= at AND (p.effective_to IS NULL OR p.effective_to > at)
  ORDER BY p.category
$$;

-- Scenario 2b, the passport map: one nationality's destinations on a day. PostGraphile has no
-- nationality to hang it on, so a root function lists the countries with a rule in force for the
-- nationality on the day, and two computed columns give each one's VISA version and all its versions
-- in force. (Positional parameters: in a SQL function a column named like a parameter wins.)
CREATE OR REPLACE FUNCTION passport_destinations(nationality varchar, at date) RETURNS SETOF country LANGUAGE sql STABLE AS $$
  SELECT c.* FROM country c
  WHERE EXISTS (
    SELECT 1 FROM policy p
    WHERE p.country_code = c.code AND p.nationality = $1 AND p.retracted_at IS NULL
      AND p.effective_from <= $2 AND (p.effective_to IS NULL OR p.effective_to > $2)
  )
  ORDER BY c.code
$$;

CREATE OR REPLACE FUNCTION country_rules_for(c country, nationality varchar, at date) RETURNS SETOF policy LANGUAGE sql STABLE AS $$
  SELECT p.* FROM policy p
  WHERE p.country_code = c.code AND p.nationality = $2 AND p.retracted_at IS NULL
    AND p.effective_from <= $3 AND (p.effective_to IS NULL OR p.effective_to > $3)
  ORDER BY p.category
$$;

CREATE OR REPLACE FUNCTION country_visa_for(c country, nationality varchar, at date) RETURNS policy LANGUAGE sql STABLE AS $$
  SELECT p.* FROM policy p
  WHERE p.country_code = c.code AND p.nationality = $2 AND p.category = 'VISA' AND p.retracted_at IS NULL
    AND p.effective_from <= $3 AND (p.effective_to IS NULL OR p.effective_to > $3)
  LIMIT 1
$$;
