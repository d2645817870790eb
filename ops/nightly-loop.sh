#!/bin/bash
# The nightly job for docker compose, which has no scheduler: sleep until 03:30 in Europe/Amsterdam,
# run `overstap nightly`, repeat. 03:30 lies outside 02:00-03:00, the hour that daylight saving skips
# (last Sunday of March) or repeats (last Sunday of October), so it comes exactly once every Amsterdam
# day. A failed night is logged and retried the next night, when the job also catches up what it
# missed. (Kubernetes and systemd schedule the job themselves, at the same time.)
set -uo pipefail
export TZ=Europe/Amsterdam
at=03:30
password=$(cat "${OVERSTAP_API_PASSWORD_FILE:-/run/secrets/api-password}")
export DATABASE_URL="postgresql://overstap_api:${password}@db:5432/overstap"

# The next 03:30 after the instant $1 (seconds since the epoch), in seconds since the epoch. Dates are
# computed from the calendar day, never by adding 24 hours to a time (a DST day has 23 or 25 hours).
next_run() {
    local today noon tomorrow next
    today=$(date -d "@$1" +%F)
    next=$(date -d "$today $at" +%s)
    if [ "$next" -le "$1" ]; then
        noon=$(date -d "$today 12:00" +%s)
        tomorrow=$(date -d "@$((noon + 86400))" +%F)  # noon + 24 h is always on the next day
        next=$(date -d "$tomorrow $at" +%s)
    fi
    echo "$next"
}

while true; do
    now=$(date +%s)
    next=$(next_run "$now")
    sleep $((next - now))
    [ "$(date +%s)" -ge "$next" ] || continue  # woken early: wait again
    overstap nightly || echo "overstap nightly failed with status $?; retrying tomorrow" >&2
done
