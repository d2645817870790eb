-- A horizon that waits only for transactions that append events (issue 19, DESIGN §7; decision
-- 0011). Global order is by transaction id (decision 0001); a reader must not pass a transaction id
-- whose events are not committed yet. `pg_snapshot_xmin` waited for every transaction of the whole
-- cluster, so one open transaction in another database stalled every projection.
--
-- Protocol: a transaction takes the shared append lock before its first write (the trigger below
-- does it for every INSERT into `events` and refuses a transaction that wrote something else
-- first); `events_horizon()` is the least of the snapshot's xmax and the ids of the lock's holders.
-- A reader reads
-- below the horizon in a later statement (a new snapshot): a holder releases the lock only after its
-- commit is visible, so everything below the horizon that appended is visible then.

-- The shared append lock (advisory, two-key form 4712/1): appenders never wait for each other.
-- Taking it after the transaction got an id (it wrote something first) would let readers pass
-- that id: refused with ES003.
CREATE FUNCTION take_append_lock() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF pg_current_xact_id_if_assigned() IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM pg_locks
         WHERE pid = pg_backend_pid() AND locktype = 'advisory' AND granted
           AND classid = 4712 AND objid = 1 AND objsubid = 2
    ) THEN
        RAISE EXCEPTION 'events are appended only by a transaction that took the append lock before its first write'
            USING ERRCODE = 'ES003', HINT = 'Call take_append_lock() first in the transaction, or use append_events().';
    END IF;
    PERFORM pg_advisory_xact_lock_shared(4712, 1);
END;
$$;

CREATE FUNCTION events_take_append_lock() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM take_append_lock();
    RETURN NULL;
END;
$$;

CREATE TRIGGER events_take_append_lock BEFORE INSERT ON events
    FOR EACH STATEMENT EXECUTE FUNCTION events_take_append_lock();

-- The transaction id below which every appending transaction has ended (committed or aborted);
-- read events below it in a later statement. A holder whose id is not in `pg_locks` yet (it has
-- none yet, or it is between getting one and registering its lock) could have any id that is
-- running in the snapshot: then the horizon falls back to the snapshot's xmin for that moment.
CREATE FUNCTION events_horizon() RETURNS xid8 LANGUAGE sql VOLATILE AS $$
    WITH snapshot AS (SELECT pg_current_snapshot() AS s),
    -- One scan of the lock table, so a holder's advisory lock and its id are seen at one moment.
    holders AS (
        -- The least of its ids is the top-level one (a subtransaction's id comes after it).
        SELECT min(transactionid::text::numeric) FILTER (WHERE locktype = 'transactionid' AND mode = 'ExclusiveLock') AS xid32
          FROM pg_locks
         WHERE granted
         GROUP BY virtualtransaction
        HAVING bool_or(locktype = 'advisory' AND classid = 4712 AND objid = 1 AND objsubid = 2
                       AND database = (SELECT oid FROM pg_database WHERE datname = current_database()))
    )
    SELECT least(pg_snapshot_xmax(s),
                 (SELECT min(x) FROM pg_snapshot_xip(s) AS x
                   WHERE x::text::numeric % 4294967296 IN (SELECT xid32 FROM holders WHERE xid32 IS NOT NULL)),
                 CASE WHEN EXISTS (SELECT 1 FROM holders WHERE xid32 IS NULL) THEN pg_snapshot_xmin(s) END)
      FROM snapshot
$$;
