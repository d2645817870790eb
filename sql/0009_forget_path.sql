-- Forgetting that cannot half-fail (issue 13). The data key is destroyed first, with the reason,
-- then `leerling_vergeten` is recorded; both steps are idempotent, and the nightly job finishes a
-- forget that stopped between them (a key destroyed without the event, or, from before this
-- order, an event without the destroyed key). The application role may create data keys but
-- destroy them only through `vergeet_sleutel`; it can neither delete nor overwrite them otherwise.
-- Re-wrapping keys under a new KEK (`overstap sleutels roteer`) is an operator's task, run with
-- the owner's login.

ALTER TABLE leerling_sleutels ADD COLUMN vergeet_reden text;

-- Destroys the case's data key (or records a destroyed one when the case never had a key);
-- returns whether this call destroyed it. Runs with the owner's rights: the one path.
CREATE FUNCTION vergeet_sleutel(p_traject_id text, p_reden text) RETURNS boolean
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    WITH vergeten AS (
        INSERT INTO leerling_sleutels (traject_id, kek_id, sleutel, vergeten_op, vergeet_reden)
        VALUES (p_traject_id, NULL, NULL, now(), p_reden)
        ON CONFLICT (traject_id) DO UPDATE
            SET kek_id = NULL, sleutel = NULL, vergeten_op = now(), vergeet_reden = EXCLUDED.vergeet_reden
            WHERE leerling_sleutels.sleutel IS NOT NULL
        RETURNING 1
    )
    SELECT count(*) = 1 FROM vergeten
$$;
REVOKE ALL ON FUNCTION vergeet_sleutel(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION vergeet_sleutel(text, text) TO overstap_app;
REVOKE UPDATE, DELETE, TRUNCATE ON leerling_sleutels FROM overstap_app;
