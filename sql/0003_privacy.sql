-- AVG: per-student data keys (wrapped by a key-encryption key that lives outside the database),
-- the register of who read a student's personal data, and what retention needs to know.

-- One data key per case. `sleutel` is the AES-GCM-wrapped key; the key-encryption key comes from
-- configuration, never from here. Forgetting a student sets `sleutel` to NULL: the events stay,
-- their personal fields can no longer be decrypted.
CREATE TABLE leerling_sleutels (
    traject_id     text PRIMARY KEY,
    kek_id         text,
    sleutel        bytea,
    aangemaakt_op  timestamptz NOT NULL DEFAULT now(),
    vergeten_op    timestamptz,
    CHECK ((sleutel IS NULL) = (vergeten_op IS NOT NULL))
);
CREATE INDEX leerling_sleutels_kek ON leerling_sleutels (kek_id) WHERE sleutel IS NOT NULL;

-- Every read of a student's personal data: who, when, which case, through what.
CREATE TABLE inzage_registratie (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    traject_id  text NOT NULL,
    wie         text NOT NULL,
    wanneer     timestamptz NOT NULL DEFAULT now(),
    via         text NOT NULL
);
CREATE INDEX inzage_registratie_traject ON inzage_registratie (traject_id, wanneer);
-- The register is append-only for the application, like the log.
REVOKE UPDATE, DELETE ON inzage_registratie FROM overstap_app;

ALTER TABLE trajecten ADD COLUMN afgesloten_op date;
ALTER TABLE trajecten ADD COLUMN vergeten_op date;
