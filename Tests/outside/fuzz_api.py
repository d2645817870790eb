#!/usr/bin/env python3
"""Schema-driven fuzzing of the real server (issue 12), bounded in time; part of `make test`.

Starts `overstap serve` on an embedded PostgreSQL of its own with a small demo region, makes a token
for every role, and lets schemathesis generate requests for every operation of /v1/openapi.json with
each token. Fails on any 5xx, on a server that died, or on a schemathesis run that could not finish.
OVERSTAP_BIN names the binary; OVERSTAP_FUZZ_SECONDS (default 10) is the time per role.
"""
import json
import os
import subprocess
import sys

from server import HERE, Server

SECONDS = os.environ.get("OVERSTAP_FUZZ_SECONDS", "10")
ROLES = {
    "coordinator": ["--regio", "Utrecht"],
    "coach": ["--regio", "Utrecht", "--coach", "coach-01"],
    "school": ["--regio", "Utrecht", "--school", "De Brug"],
    "overstaptafel": ["--regio", "Utrecht"],
    "admin": [],
}


def main():
    failures = []
    with Server(demo=40) as server:
        tokens = {rol: server.token(rol, *scope) for rol, scope in ROLES.items()}
        _, _, body = server.request("GET", "/v1/risicolijst?peildatum=2026-11-20&paginaGrootte=1", tokens["coordinator"])
        env = {**server.env, "OVERSTAP_FUZZ_CASE": json.loads(body)["resultaten"][0]["id"]}
        for rol, token in tokens.items():
            result = subprocess.run(
                [sys.executable, "-m", "schemathesis.cli", "--config-file", os.path.join(HERE, "schemathesis.toml"),
                 "run", server.base + "/v1/openapi.json", "--url", server.base, "-H", f"Authorization: Bearer {token}",
                 "--checks", "not_a_server_error", "--max-time", SECONDS, "--workers", "1", "--seed", "2026",
                 "--request-timeout", "15", "--no-color", "--suppress-health-check", "all"],
                env=env, capture_output=True, text=True, cwd=server.tmp)  # its cache stays out of the repository
            ok = result.returncode == 0
            summary = [line for line in result.stdout.splitlines() if "passed" in line or "test cases" in line.lower()]
            print(f"fuzz {rol}: {'no 5xx' if ok else 'FAILED'} ({'; '.join(s.strip() for s in summary[-2:])})")
            if not ok:
                failures.append(rol)
                print(result.stdout[-6000:] + result.stderr[-2000:])
        if not server.alive():
            failures.append("server died or unhealthy")
    if server.errors:
        failures.append("internal errors logged")
        print("".join(server.errors[:20]))
    passed = len(ROLES) - len([f for f in failures if f in ROLES])
    print(f"fuzz: {passed} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
