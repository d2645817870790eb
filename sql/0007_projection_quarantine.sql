-- Events a projection could not apply (issue #12). Instead of stopping on such an event, the
-- runner records it here, with the later events of its stream, and goes on with every other
-- stream; `overstap projections quarantaine --opnieuw` applies them again after a fix. No payload
-- is copied: the event stays in `events`, this row only points at it.
CREATE TABLE projection_quarantine (
    projection      text NOT NULL,
    event_id        uuid NOT NULL,
    stream_id       text NOT NULL,
    stream_version  bigint NOT NULL,
    transaction_id  xid8 NOT NULL,
    position        bigint NOT NULL,
    error_code      text NOT NULL,            -- the error's kind; 'follows' for a later event of a held stream
    sqlstate        text,                     -- PostgreSQL's code, when it refused the read model's write
    quarantined_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (projection, event_id)
);
CREATE INDEX projection_quarantine_stream ON projection_quarantine (projection, stream_id);

-- A case with an event in quarantine is not current: its row shows the state before that event.
ALTER TABLE trajecten ADD COLUMN actueel boolean NOT NULL DEFAULT true;
