"""The real server for tests that drive it from outside (`make test`): `overstap serve` on an
embedded PostgreSQL of its own in a temporary directory, with tokens made by the CLI.
OVERSTAP_BIN names the binary (default .build/debug/overstap)."""
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BIN = os.environ.get("OVERSTAP_BIN") or os.path.join(ROOT, ".build", "debug", "overstap")


class Server:
    """`with Server(demo=40) as server:` migrates a fresh database (with that many demo students if
    `demo`), starts `overstap serve` on a free port and stops it at the end. `server.errors` lists
    the internal errors it logged (read after the block)."""

    def __init__(self, demo=None):
        self.demo = demo
        self.errors = []

    def __enter__(self):
        self.directory = tempfile.TemporaryDirectory(prefix="overstap-outside-")
        self.tmp = self.directory.name
        os.chmod(self.tmp, 0o755)  # the embedded PostgreSQL runs as user postgres
        self.env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        self.env.update(OVERSTAP_DATA_DIR=os.path.join(self.tmp, "postgres"),
                        OVERSTAP_SQL_DIR=os.path.join(ROOT, "sql"), LOG_LEVEL="error")
        self.env["OVERSTAP_KEK"] = self.overstap("sleutels", "nieuw")
        self.overstap("migrate")
        if self.demo:
            self.overstap("demo", "--leerlingen", str(self.demo))
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.base = f"http://127.0.0.1:{port}"
        self.log = open(os.path.join(self.tmp, "serve.log"), "w+")
        self.process = subprocess.Popen([BIN, "serve", "--port", str(port)], env=self.env,
                                        stdout=subprocess.DEVNULL, stderr=self.log)
        for _ in range(300):
            try:
                if self.request("GET", "/health")[0] == 200:
                    return self
            except OSError:
                time.sleep(0.1)
        self.__exit__(None, None, None)
        raise SystemExit("the server did not come up")

    def __exit__(self, *_):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.seek(0)
        self.errors = [line for line in self.log if "verzoek mislukt" in line]
        self.log.close()
        self.directory.cleanup()

    def overstap(self, *args):
        """Runs the CLI on this server's database; returns its standard output, stripped."""
        return subprocess.run([BIN, *args], env=self.env, check=True, capture_output=True, text=True).stdout.strip()

    def token(self, rol, *scope):
        return self.overstap("token", "create", "--rol", rol, *scope)

    def alive(self):
        return self.process.poll() is None and self.request("GET", "/health")[0] == 200

    def request(self, method, path, token=None, body=None, headers=None):
        """(status, headers, body bytes); an HTTP error status is returned, not raised."""
        headers = dict(headers or {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=15) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()


def schemathesis(naam, roles, arguments, ok_word="OK"):
    """Runs schemathesis over every operation of /v1/openapi.json against a fresh server with a demo
    region of 40, once per role with a token of that role (`roles`: role → scope arguments of
    `overstap token create`) and `arguments` (checks, phases, time); the `{id}` of a case is a real
    case (`schemathesis.toml`). Prints a line per role (schemathesis' output when it failed, or with
    OVERSTAP_SCHEMATHESIS_VERBOSE), and fails on a failed run, a server that died or an internal error
    logged. Returns the exit status for the script `naam`."""
    failures = []
    with Server(demo=40) as server:
        tokens = {rol: server.token(rol, *scope) for rol, scope in roles.items()}
        coordinator = server.token("coordinator", "--regio", "Utrecht")
        _, _, body = server.request("GET", "/v1/risicolijst?peildatum=2026-11-20&paginaGrootte=1", coordinator)
        env = {**server.env, "OVERSTAP_FUZZ_CASE": json.loads(body)["resultaten"][0]["id"]}
        for rol, token in tokens.items():
            result = subprocess.run(
                [sys.executable, "-m", "schemathesis.cli", "--config-file", os.path.join(HERE, "schemathesis.toml"),
                 "run", server.base + "/v1/openapi.json", "--url", server.base, "-H", f"Authorization: Bearer {token}",
                 *arguments, "--workers", "1", "--seed", "2026", "--request-timeout", "15", "--no-color",
                 "--suppress-health-check", "all"],
                env=env, capture_output=True, text=True, cwd=server.tmp)  # its cache stays out of the repository
            ok = result.returncode == 0
            summary = [line for line in result.stdout.splitlines() if "passed" in line or "test cases" in line.lower()]
            print(f"{naam} {rol}: {ok_word if ok else 'FAILED'} ({'; '.join(s.strip() for s in summary[-2:])})")
            if os.environ.get("OVERSTAP_SCHEMATHESIS_VERBOSE") or not ok:
                print(result.stdout[-12000:] + result.stderr[-2000:])
            if not ok:
                failures.append(rol)
        if not server.alive():
            failures.append("server died or unhealthy")
    if server.errors:
        failures.append("internal errors logged")
        print("".join(server.errors[:20]))
    print(f"{naam}: {len(roles) - len([f for f in failures if f in roles])} passed, {len(failures)} failed")
    return 1 if failures else 0
