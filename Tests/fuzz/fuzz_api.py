#!/usr/bin/env python3
"""Schema-driven fuzzing of the real server (issue 12), bounded in time; part of `make test`.

Starts `overstap serve` on an embedded PostgreSQL of its own with a small demo region, makes a token
for every role, and lets schemathesis generate requests for every operation of /v1/openapi.json with
each token. Fails on any 5xx, on a server that died, or on a schemathesis run that could not finish.
OVERSTAP_BIN names the binary; OVERSTAP_FUZZ_SECONDS (default 10) is the time per role.
"""
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BIN = os.environ.get("OVERSTAP_BIN") or os.path.join(ROOT, ".build", "debug", "overstap")
SECONDS = os.environ.get("OVERSTAP_FUZZ_SECONDS", "10")
ROLES = {
    "coordinator": ["--regio", "Utrecht"],
    "coach": ["--regio", "Utrecht", "--coach", "coach-01"],
    "school": ["--regio", "Utrecht", "--school", "De Brug"],
    "overstaptafel": ["--regio", "Utrecht"],
    "admin": [],
}


def overstap(env, *args):
    return subprocess.run([BIN, *args], env=env, check=True, capture_output=True, text=True).stdout.strip()


def get(url, token=None):
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.read()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    with tempfile.TemporaryDirectory(prefix="overstap-fuzz-") as tmp:
        os.chmod(tmp, 0o755)  # the embedded PostgreSQL runs as user postgres
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env.update(OVERSTAP_DATA_DIR=os.path.join(tmp, "postgres"), OVERSTAP_SQL_DIR=os.path.join(ROOT, "sql"),
                   LOG_LEVEL="error")
        env["OVERSTAP_KEK"] = overstap(env, "sleutels", "nieuw")
        overstap(env, "migrate")
        overstap(env, "demo", "--leerlingen", "40")
        tokens = {rol: overstap(env, "token", "create", "--rol", rol, *scope) for rol, scope in ROLES.items()}
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = open(os.path.join(tmp, "serve.log"), "w+")
        server = subprocess.Popen([BIN, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=log)
        failures = []
        try:
            for _ in range(300):
                try:
                    if get(base + "/health")[0] == 200:
                        break
                except OSError:
                    time.sleep(0.1)
            else:
                raise SystemExit("fuzz: the server did not come up")
            _, body = get(base + "/v1/risicolijst?peildatum=2026-11-20&paginaGrootte=1", tokens["coordinator"])
            env["OVERSTAP_FUZZ_CASE"] = json.loads(body)["resultaten"][0]["id"]
            for rol, token in tokens.items():
                result = subprocess.run(
                    [sys.executable, "-m", "schemathesis.cli", "--config-file", os.path.join(HERE, "schemathesis.toml"),
                     "run", base + "/v1/openapi.json", "--url", base, "-H", f"Authorization: Bearer {token}",
                     "--checks", "not_a_server_error", "--max-time", SECONDS, "--workers", "1", "--seed", "2026",
                     "--request-timeout", "15", "--no-color", "--suppress-health-check", "all"],
                    env=env, capture_output=True, text=True, cwd=tmp)  # its cache stays out of the repository
                ok = result.returncode == 0
                summary = [line for line in result.stdout.splitlines() if "passed" in line or "test cases" in line.lower()]
                print(f"fuzz {rol}: {'no 5xx' if ok else 'FAILED'} ({'; '.join(s.strip() for s in summary[-2:])})")
                if not ok:
                    failures.append(rol)
                    print(result.stdout[-6000:] + result.stderr[-2000:])
            if server.poll() is not None:
                failures.append("server died")
            elif get(base + "/health")[0] != 200:
                failures.append("server unhealthy")
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
            log.seek(0)
            errors = [line for line in log if "verzoek mislukt" in line]
            if errors:
                failures.append("internal errors logged")
                print("".join(errors[:20]))
        passed = len(ROLES) - len([f for f in failures if f in ROLES])
        print(f"fuzz: {passed} passed, {len(failures)} failed")
        return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
