#!/usr/bin/env python3
"""Schema-driven fuzzing of the real server (issue 12), bounded in time; part of `make test`.

Starts `overstap serve` on an embedded PostgreSQL of its own with a small demo region, makes a token
for every role, and lets schemathesis generate requests for every operation of /v1/openapi.json with
each token. Fails on any 5xx, on a server that died, or on a schemathesis run that could not finish.
OVERSTAP_BIN names the binary; OVERSTAP_FUZZ_SECONDS (default 10) is the time per role.
"""
import os
import sys

from server import schemathesis

ROLES = {
    "coordinator": ["--regio", "Utrecht"],
    "coach": ["--regio", "Utrecht", "--coach", "coach-01"],
    "school": ["--regio", "Utrecht", "--school", "De Brug"],
    "overstaptafel": ["--regio", "Utrecht"],
    "mbo": ["--regio", "Utrecht", "--instelling", "MBO Utrecht"],
    "admin": [],
}

if __name__ == "__main__":
    sys.exit(schemathesis("fuzz", ROLES, ["--checks", "not_a_server_error", "--max-time", os.environ.get("OVERSTAP_FUZZ_SECONDS", "10")],
                          ok_word="no 5xx"))
