-- Appends probe for reused event ids only when something is off (decision 0009): the insert skips
-- ids already stored, and only then, or on a version mismatch, does `stored_append` look at what
-- was stored. Same contract as 0001: a retry of a stored batch returns the stored rows and writes
-- nothing (even with a stale expected version); any other reuse of an id is ES002; a version
-- mismatch is ES001 with the actual version in DETAIL.

-- The stored rows of an earlier append with exactly these ids (same stream, same types, consecutive
-- versions in this order); none when no id is stored; ES002 when some are, or differently.
CREATE OR REPLACE FUNCTION stored_append(p_stream_id text, p_event_ids uuid[], p_event_types text[])
RETURNS TABLE (event_id uuid, stream_version bigint, "position" bigint, transaction_id xid8)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    v_count    integer := cardinality(p_event_ids);
    v_stored   integer;
    v_matching integer;
BEGIN
    SELECT count(*),
           count(*) FILTER (WHERE e.stream_id = p_stream_id AND e.event_type = p_event_types[n.i])
      INTO v_stored, v_matching
      FROM events e
      JOIN unnest(p_event_ids) WITH ORDINALITY AS n(id, i) ON e.event_id = n.id;
    IF v_stored = 0 THEN RETURN; END IF;
    IF v_stored = v_count AND v_matching = v_count AND (
        SELECT bool_and(ordered.stream_version = ordered.first_version + ordered.i - 1)
          FROM (SELECT e.stream_version, n.i, min(e.stream_version) OVER () AS first_version
                  FROM events e
                  JOIN unnest(p_event_ids) WITH ORDINALITY AS n(id, i) ON e.event_id = n.id) ordered
    ) THEN
        RETURN QUERY
            SELECT e.event_id, e.stream_version, e.position, e.transaction_id
              FROM events e
              JOIN unnest(p_event_ids) WITH ORDINALITY AS n(id, i) ON e.event_id = n.id
             ORDER BY n.i;
        RETURN;
    END IF;
    RAISE EXCEPTION 'event ids already stored differently (% of % present)', v_stored, v_count
        USING ERRCODE = 'ES002',
              HINT = 'A retry must resend the same events to the same stream; new events need new ids.';
END;
$$;

CREATE OR REPLACE FUNCTION append_events(
    p_stream_id       text,
    p_expected_version bigint,
    p_event_ids       uuid[],
    p_event_types     text[],
    p_schema_versions integer[],
    p_data            jsonb[],
    p_metadata        jsonb[],
    p_occurred_at     timestamptz[]
) RETURNS TABLE (event_id uuid, stream_version bigint, "position" bigint, transaction_id xid8)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    v_count    integer := cardinality(p_event_ids);
    v_current  bigint;
    v_inserted integer;
BEGIN
    IF v_count IS NULL OR v_count = 0 THEN
        RAISE EXCEPTION 'an append needs at least one event' USING ERRCODE = 'invalid_parameter_value';
    END IF;

    PERFORM pg_advisory_xact_lock(hashtextextended(p_stream_id, 0));
    SELECT coalesce(max(e.stream_version), 0) INTO v_current FROM events e WHERE e.stream_id = p_stream_id;

    IF p_expected_version IS NOT NULL AND p_expected_version <> v_current THEN
        -- A retry of a batch stored earlier carries the version it was first sent with.
        RETURN QUERY SELECT * FROM stored_append(p_stream_id, p_event_ids, p_event_types);
        IF FOUND THEN RETURN; END IF;
        RAISE EXCEPTION 'wrong expected version % (stream is at %)', p_expected_version, v_current
            USING ERRCODE = 'ES001', DETAIL = v_current::text;
    END IF;

    RETURN QUERY
        INSERT INTO events (stream_id, stream_version, event_id, event_type, schema_version,
                            data, metadata, occurred_at)
        SELECT p_stream_id, v_current + n.i, n.id, p_event_types[n.i], p_schema_versions[n.i],
               p_data[n.i], p_metadata[n.i], p_occurred_at[n.i]
          FROM unnest(p_event_ids) WITH ORDINALITY AS n(id, i)
         ORDER BY n.i
        ON CONFLICT (event_id) DO NOTHING
        RETURNING events.event_id, events.stream_version, events.position, events.transaction_id;
    GET DIAGNOSTICS v_inserted = ROW_COUNT;
    IF v_inserted = v_count THEN RETURN; END IF;
    IF v_inserted = 0 THEN
        RETURN QUERY SELECT * FROM stored_append(p_stream_id, p_event_ids, p_event_types);
        IF FOUND THEN RETURN; END IF;
    END IF;
    RAISE EXCEPTION 'event ids already stored differently' USING ERRCODE = 'ES002',
        HINT = 'A retry must resend the same events to the same stream; new events need new ids.';
END;
$$;
