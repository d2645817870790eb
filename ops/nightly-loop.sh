#!/bin/bash
# The nightly job for docker compose, which has no scheduler: sleep until 02:00 in Europe/Amsterdam,
# run `overstap nightly`, repeat. A failed night is logged and retried the next night, when the job
# also catches up what it missed. (Kubernetes and systemd schedule the job themselves.)
set -uo pipefail
export TZ=Europe/Amsterdam
export DATABASE_URL="postgresql://overstap_api:$(cat /run/secrets/api-password)@db:5432/overstap"
while true; do
    now=$(date +%s)
    next=$(date -d 'today 02:00' +%s)
    [ "$next" -gt "$now" ] || next=$(date -d 'tomorrow 02:00' +%s)
    sleep $((next - now))
    overstap nightly || echo "overstap nightly failed with status $?; retrying tomorrow" >&2
done
