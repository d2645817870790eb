-- Forgetting for good (issue 19). `vergeet_sleutel` overwrites a key row; until VACUUM the old
-- version of that row, with the wrapped key, stays in the heap as a dead tuple (readable with
-- pageinspect). The application role cannot VACUUM (PostgreSQL 15 allows it to the table's owner
-- alone, and not inside a function), so the table asks autovacuum to come after every single
-- changed row: one dead tuple is enough, and no cost delay slows the pass. autovacuum checks each
-- database every `autovacuum_naptime` (default one minute). `overstap sleutels opruimen` (owner)
-- vacuums at once. Decision 0014.
ALTER TABLE leerling_sleutels SET (
    autovacuum_vacuum_threshold = 0,
    autovacuum_vacuum_scale_factor = 0,
    autovacuum_vacuum_cost_delay = 0
);
