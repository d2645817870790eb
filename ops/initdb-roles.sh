#!/bin/bash
# Run once by the postgres image on an empty data directory: the roles and the database.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username postgres \
    -v owner_password="$(cat /run/secrets/owner-password)" -v api_password="$(cat /run/secrets/api-password)" \
    -f /overstap/roles.sql
