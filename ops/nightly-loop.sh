#!/bin/bash
# The nightly job for docker compose, which has no scheduler: sleep until 03:30 in Europe/Amsterdam,
# run `overstap nightly`, repeat. 03:30 lies outside 02:00-03:00, the hour that daylight saving skips
# (last Sunday of March) or repeats (last Sunday of October), so it comes exactly once every Amsterdam
# day. A night that fails, or hangs and is stopped after 6 hours, is logged; the next night catches
# up what it missed (so does a night missed while the container was down: it is not run at start).
# (Kubernetes and systemd schedule the job themselves, at the same time, with the same limit.)
set -uo pipefail
export TZ=Europe/Amsterdam
at=03:30
# libpq reads the password from PGPASSWORD: no quoting trouble in a URL.
PGPASSWORD=$(cat "${OVERSTAP_API_PASSWORD_FILE:-/run/secrets/api-password}") || exit 1
export PGPASSWORD
export DATABASE_URL="postgresql://overstap_api@db:5432/overstap"
# docker stop sends SIGTERM to this script (PID 1): stop the night in progress and leave.
trap 'kill -TERM "$child" 2>/dev/null; wait "$child"; exit 0' TERM INT
child=

# The next 03:30 after the instant $1 (seconds since the epoch), in seconds since the epoch; empty
# when `date` cannot say. Dates are computed from the calendar day, never by adding 24 hours to a
# time (a DST day has 23 or 25 hours).
next_run() {
    local today noon tomorrow next
    today=$(date -d "@$1" +%F) || return
    next=$(date -d "$today $at" +%s) || return
    if [ "$next" -le "$1" ]; then
        noon=$(date -d "$today 12:00" +%s) || return
        tomorrow=$(date -d "@$((noon + 86400))" +%F) || return  # noon + 24 h is always on the next day
        next=$(date -d "$tomorrow $at" +%s) || return
    fi
    echo "$next"
}

while true; do
    now=$(date +%s)
    next=$(next_run "$now")
    if [ -z "$next" ]; then
        echo "cannot compute the next $at in $TZ; trying again in an hour" >&2
        sleep 3600 & child=$!; wait "$child"
        continue
    fi
    sleep $((next - now)) & child=$!; wait "$child"
    [ "$(date +%s)" -ge "$next" ] || continue  # woken early: wait again
    timeout --kill-after=5m 6h overstap nightly & child=$!
    wait "$child" || echo "overstap nightly failed with status $?; the next night catches up" >&2
done
