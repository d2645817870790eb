-- A secret of this database's own (issue 13): case and event ids derived from a client's
-- idempotency key are keyed with it, so another client cannot predict them. It is made here, once,
-- from 244 random bits, and travels with backups; the application may read it, never change it.
CREATE TABLE server_geheim (
    enig    boolean PRIMARY KEY DEFAULT true CHECK (enig),
    sleutel bytea NOT NULL
);
INSERT INTO server_geheim (sleutel)
VALUES (decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex'));
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON server_geheim FROM overstap_app;
