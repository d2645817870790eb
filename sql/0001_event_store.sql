-- The append-only event log, its write function, projection checkpoints and the application role.
-- Global order is (transaction_id, position); see docs/decisions/0001-global-order-by-xid8.md.

CREATE TABLE events (
    position        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    transaction_id  xid8 NOT NULL DEFAULT pg_current_xact_id(),
    stream_id       text NOT NULL CHECK (stream_id <> ''),
    stream_version  bigint NOT NULL CHECK (stream_version > 0),
    event_id        uuid NOT NULL,
    event_type      text NOT NULL CHECK (event_type <> ''),
    schema_version  integer NOT NULL CHECK (schema_version > 0),
    data            jsonb NOT NULL,
    metadata        jsonb NOT NULL DEFAULT '{}',
    occurred_at     timestamptz NOT NULL,
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT events_event_id_key UNIQUE (event_id),
    CONSTRAINT events_stream_version_key UNIQUE (stream_id, stream_version)
);

-- Readers page through committed events in this order.
CREATE INDEX events_global_order ON events (transaction_id, position);

-- Immutability: no UPDATE, DELETE or TRUNCATE, whoever asks (superusers included).
CREATE FUNCTION events_are_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'events are immutable: % is not allowed on events', TG_OP
        USING ERRCODE = 'restrict_violation',
              HINT = 'Record a correcting event instead.';
END;
$$;

CREATE TRIGGER events_no_update_or_delete
    BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION events_are_immutable();

CREATE TRIGGER events_no_truncate
    BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION events_are_immutable();

-- Appends a batch to one stream atomically.
--   p_expected_version: NULL = any, 0 = the stream must not exist, n = the stream is at version n.
-- A retry whose event ids are already stored (same stream, same types, same order) writes nothing
-- and returns the original rows. Writers of one stream are serialised by a transaction-scoped
-- advisory lock on the stream, so the version check and the insert cannot interleave; writers
-- of different streams do not wait for each other.
-- Errors: ES001 wrong expected version (DETAIL carries the actual version),
--         ES002 event ids already used differently (another stream, type or order, or only some of them).
CREATE FUNCTION append_events(
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
    v_stored   integer;
    v_matching integer;
    v_current  bigint;
BEGIN
    IF v_count IS NULL OR v_count = 0 THEN
        RAISE EXCEPTION 'an append needs at least one event' USING ERRCODE = 'invalid_parameter_value';
    END IF;

    PERFORM pg_advisory_xact_lock(hashtextextended(p_stream_id, 0));

    SELECT count(*),
           count(*) FILTER (WHERE e.stream_id = p_stream_id AND e.event_type = p_event_types[n.i])
      INTO v_stored, v_matching
      FROM events e
      JOIN unnest(p_event_ids) WITH ORDINALITY AS n(id, i) ON e.event_id = n.id;

    IF v_stored > 0 THEN
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
    END IF;

    SELECT coalesce(max(e.stream_version), 0) INTO v_current FROM events e WHERE e.stream_id = p_stream_id;

    IF p_expected_version IS NOT NULL AND p_expected_version <> v_current THEN
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
        RETURNING events.event_id, events.stream_version, events.position, events.transaction_id;
END;
$$;

-- Where each projection has got to; written in the same transaction as its read model.
CREATE TABLE projection_checkpoints (
    name            text PRIMARY KEY,
    transaction_id  xid8 NOT NULL,
    position        bigint NOT NULL,
    updated_at      timestamptz NOT NULL DEFAULT now()
);

-- The role the service runs as: it may read and append events, never change them.
-- Roles are cluster-wide: another database of this cluster, or the operator (ops/sql/roles.sql, so
-- that the migration owner needs no CREATEROLE), may have made it already.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'overstap_app') THEN
        CREATE ROLE overstap_app NOLOGIN;
    END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;  -- made by a concurrent migration of another database
END;
$$;

REVOKE ALL ON events FROM PUBLIC;
GRANT SELECT, INSERT ON events TO overstap_app;
GRANT SELECT, INSERT, UPDATE ON projection_checkpoints TO overstap_app;
GRANT SELECT ON schema_migrations TO overstap_app;
-- Read models created by later migrations are the application's to rewrite.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO overstap_app;
