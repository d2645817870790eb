-- Each case's folded state as a snapshot, so that lists and the nightly job need not fold every
-- case from its timeline (decision 0009). `stand` is `Traject` in a compact binary form of shape
-- `stand_versie`; it holds no personal data (it is folded from payloads without
-- `persoonsgegevens`) and holds for every peildatum on or after `laatste_datum`, the day of the
-- case's latest event. Rows from before this migration have no snapshot: readers fold those cases
-- from `tijdlijn` until the projection next touches them or is rebuilt.
ALTER TABLE trajecten ADD COLUMN stand bytea;
ALTER TABLE trajecten ADD COLUMN stand_versie integer;
ALTER TABLE trajecten ADD COLUMN laatste_datum date;
