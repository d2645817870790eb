-- Read models of the Overstap domain, kept by the projection "trajecten" and rebuildable from
-- events alone. They hold no personal data: payloads are stored without `persoonsgegevens`.

-- Every event of every case in the order it happened: the timeline, and what as-of views fold.
CREATE TABLE tijdlijn (
    traject_id          text NOT NULL,
    volgorde            bigint NOT NULL,          -- stream version
    regio               text NOT NULL,
    datum               date NOT NULL,            -- when it happened
    type                text NOT NULL,
    schemaversie        integer NOT NULL,
    payload             jsonb NOT NULL,           -- without persoonsgegevens
    samenvatting        text NOT NULL,
    geregistreerd_op    timestamptz NOT NULL,
    geregistreerd_door  text,
    te_laat             boolean NOT NULL,         -- recorded well after it happened
    PRIMARY KEY (traject_id, volgorde)
);
CREATE INDEX tijdlijn_regio ON tijdlijn (regio, traject_id);

-- Each case as it stands now.
CREATE TABLE trajecten (
    traject_id            text PRIMARY KEY,
    regio                 text NOT NULL,
    vso_school            text NOT NULL,
    coach                 text,
    fase                  text NOT NULL,
    fase_sinds            date NOT NULL,
    aangemeld_op          date NOT NULL,
    verwachte_startdatum  date NOT NULL,
    gestart_op            date,
    volgende_stap         text,
    verloopt_op           date,
    versie                bigint NOT NULL
);
CREATE INDEX trajecten_regio ON trajecten (regio, fase);
CREATE INDEX trajecten_coach ON trajecten (coach) WHERE coach IS NOT NULL;
