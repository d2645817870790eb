"""Checks of ops/ that need no Docker engine and no cluster: run by `make test`
(python3 -m unittest discover -s ops/tests). OVERSTAP_BIN names the built binary; every command
the ops files run is asked for its --help, so a renamed command fails here, not in production."""
import configparser
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest
from collections import Counter
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml
from croniter import croniter

REPO = Path(__file__).resolve().parents[2]
OPS = REPO / "ops"
BIN = str(Path(os.environ.get("OVERSTAP_BIN", REPO / ".build/debug/overstap")).resolve())
NIGHTLY_CRON = "30 3 * * *"
NIGHTLY_ON_CALENDAR = "*-*-* 03:30:00 Europe/Amsterdam"
NIGHTLY_LIMIT_SECONDS = 6 * 3600  # a night that hangs is stopped: the loop's timeout, the Job's deadline, the unit's
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
ROUTES = json.loads((REPO / "Sources/OverstapHTTP/openapi.json").read_text())["paths"]


def is_command(args):
    """Whether `overstap ARGS…` names a command: its --help shows that command's usage (for an
    unknown word ArgumentParser shows the top-level help, with exit status 0)."""
    words = [a for a in args if not a.startswith("-")]
    result = subprocess.run([BIN, *words, "--help"], capture_output=True, text=True)
    return result.returncode == 0 and re.search(r"USAGE: overstap " + re.escape(" ".join(words)) + r"\b", result.stdout) is not None


class Binary(unittest.TestCase):
    def test_the_binary_is_built(self):
        self.assertTrue(os.access(BIN, os.X_OK), f"{BIN} is not built; run swift build first")
        self.assertFalse(is_command(["no-such-command"]), "the command check must be able to fail")


class Compose(unittest.TestCase):
    doc = yaml.safe_load((OPS / "docker-compose.yml").read_text())

    def test_services(self):
        services = self.doc["services"]
        self.assertEqual(set(services), {"db", "migrate", "api", "nightly"})
        self.assertRegex(services["db"]["image"], r"^postgres:15")
        for name in ("migrate", "api", "nightly"):
            service = services[name]
            self.assertEqual(service["image"], "overstap:latest", name)
            self.assertTrue((OPS / service["build"]["context"] / service["build"]["dockerfile"]).is_file(), name)
        for name in ("api", "nightly"):
            self.assertIn("kek", services[name]["secrets"], name)
            self.assertEqual(services[name]["environment"]["OVERSTAP_KEK_FILE"], "/run/secrets/kek", name)

    def test_only_the_migration_gets_the_owners_secret(self):
        services = self.doc["services"]
        self.assertEqual(services["migrate"]["secrets"], ["owner-password"])
        self.assertIn("overstap_owner", " ".join(services["migrate"]["entrypoint"]))
        for name in ("api", "nightly"):
            self.assertNotIn("owner-password", services[name]["secrets"], name)
            self.assertNotIn("overstap_owner", " ".join(services[name]["entrypoint"]), name)
        self.assertNotIn("owner", (OPS / "nightly-loop.sh").read_text())

    def test_commands_exist(self):
        services = self.doc["services"]
        self.assertTrue(is_command(services["migrate"]["command"]))
        self.assertTrue(is_command(services["api"]["command"]))
        loop = (OPS / "nightly-loop.sh").read_text()
        self.assertIn("overstap nightly", loop)
        self.assertTrue(is_command(["nightly"]))
        for script in ("nightly-loop.sh", "initdb-roles.sh", "restore-drill"):
            self.assertEqual(subprocess.run(["bash", "-n", str(OPS / script)]).returncode, 0, script)

    def test_order_and_files(self):
        services = self.doc["services"]
        self.assertEqual(services["migrate"]["depends_on"]["db"]["condition"], "service_healthy")
        for name in ("api", "nightly"):
            self.assertEqual(services[name]["depends_on"]["migrate"]["condition"], "service_completed_successfully")
        for service in services.values():
            for volume in service.get("volumes", []):
                source = volume.split(":")[0]
                if source.startswith("."):
                    self.assertTrue((OPS / source).exists(), source)
        self.assertEqual(set(self.doc["secrets"]), {"kek", "postgres", "owner-password", "api-password"})
        self.assertEqual(services["api"]["environment"]["OVERSTAP_HTTP_PORT"], services["api"]["ports"][0].split(":")[1])


class Kubernetes(unittest.TestCase):
    docs = list(yaml.safe_load_all((OPS / "k8s/overstap.yaml").read_text()))
    by_kind = {d["kind"]: d for d in docs}

    def containers(self, kind):
        spec = self.by_kind[kind]["spec"]
        pod = spec["jobTemplate"]["spec"]["template"] if kind == "CronJob" else spec["template"]
        return pod["spec"]["containers"]

    def test_kinds(self):
        self.assertEqual(sorted(self.by_kind), ["CronJob", "Deployment", "Job", "Service"])

    def test_cronjob(self):
        spec = self.by_kind["CronJob"]["spec"]
        self.assertEqual(spec["schedule"], NIGHTLY_CRON)
        self.assertEqual(spec["timeZone"], "Europe/Amsterdam")
        self.assertEqual(spec["concurrencyPolicy"], "Forbid")
        self.assertEqual(self.containers("CronJob")[0]["args"], ["nightly"])
        self.assertEqual(spec["jobTemplate"]["spec"]["activeDeadlineSeconds"], NIGHTLY_LIMIT_SECONDS)

    def test_a_read_only_root_has_a_writable_tmp(self):
        """The .xlsx lists are written to /tmp for a moment: with a read-only root it must be a volume."""
        for kind in ("Deployment", "CronJob", "Job"):
            spec = self.by_kind[kind]["spec"]
            pod = (spec["jobTemplate"]["spec"]["template"] if kind == "CronJob" else spec["template"])["spec"]
            for container in pod["containers"]:
                if container.get("securityContext", {}).get("readOnlyRootFilesystem"):
                    mounts = {m["mountPath"]: m["name"] for m in container.get("volumeMounts", [])}
                    self.assertIn("/tmp", mounts, kind)
                    volume = next(v for v in pod["volumes"] if v["name"] == mounts["/tmp"])
                    self.assertEqual(volume["emptyDir"].get("medium"), "Memory", kind)

    def test_commands_images_and_probes(self):
        for kind in ("Job", "Deployment", "CronJob"):
            for container in self.containers(kind):
                self.assertEqual(container["image"], "overstap:latest")
                self.assertTrue(is_command(container["args"]), f"{kind}: {container['args']}")
        self.assertEqual(self.containers("Job")[0]["args"], ["migrate"])
        api = self.containers("Deployment")[0]
        self.assertEqual(api["livenessProbe"]["httpGet"]["path"], "/health")
        self.assertEqual(api["readinessProbe"]["httpGet"]["path"], "/ready")
        for path in ("/health", "/ready"):
            self.assertEqual(ROUTES[path]["get"].get("security"), [], f"{path} must be open")
        env = {e["name"]: e.get("value") for e in api["env"]}
        self.assertEqual(int(env["OVERSTAP_HTTP_PORT"]), api["ports"][0]["containerPort"])

    def test_only_the_migration_job_reads_the_owners_secret(self):
        def secrets(kind):
            return {ref["secretKeyRef"]["name"] + "/" + ref["secretKeyRef"]["key"]
                    for c in self.containers(kind) for e in c.get("env", []) if (ref := e.get("valueFrom"))}
        self.assertEqual(secrets("Job"), {"overstap-owner/owner-database-url"})
        for kind in ("Deployment", "CronJob"):
            self.assertEqual(secrets(kind), {"overstap/database-url"}, kind)

    def test_service_selects_the_api(self):
        selector = self.by_kind["Service"]["spec"]["selector"]
        labels = self.by_kind["Deployment"]["spec"]["template"]["metadata"]["labels"]
        self.assertTrue(selector.items() <= labels.items())
        self.assertEqual(self.by_kind["Deployment"]["spec"]["selector"]["matchLabels"], labels)


class Systemd(unittest.TestCase):
    units = ["overstap.service", "overstap-nightly.service", "overstap-nightly.timer", "overstap-migrate.service"]

    def parse(self, name):
        parser = configparser.ConfigParser(strict=False, interpolation=None)
        parser.optionxform = str
        parser.read(OPS / "systemd" / name)
        return parser

    def test_only_the_migration_unit_reads_the_owners_login(self):
        migrate = self.parse("overstap-migrate.service")
        self.assertEqual(migrate["Service"]["EnvironmentFile"], "/etc/overstap/owner.env")
        self.assertEqual(migrate["Service"]["ExecStart"], "/usr/local/bin/overstap migrate")
        api = self.parse("overstap.service")
        self.assertIn("overstap-migrate.service", api["Unit"]["Requires"])
        for name in ("overstap.service", "overstap-nightly.service"):
            service = self.parse(name)["Service"]
            self.assertNotIn("owner", service["EnvironmentFile"], name)
            self.assertNotIn("migrate", service.get("ExecStartPre", "") + service["ExecStart"], name)

    def test_commands_and_schedule(self):
        for name in (self.units[0], self.units[1], self.units[3]):
            service = self.parse(name)["Service"]
            for key in ("ExecStart", "ExecStartPre"):
                if key in service:
                    program, *args = service[key].split()
                    self.assertEqual(program, "/usr/local/bin/overstap", name)
                    self.assertTrue(is_command(args), f"{name}: {service[key]}")
        # Enough descriptors for many clients (the service closes stalled ones after its idle timeout).
        self.assertGreaterEqual(int(self.parse("overstap.service")["Service"]["LimitNOFILE"]), 65536)
        timer = self.parse("overstap-nightly.timer")["Timer"]
        self.assertEqual(timer["OnCalendar"], NIGHTLY_ON_CALENDAR)
        self.assertEqual(timer["Unit"], "overstap-nightly.service")
        self.assertEqual(self.parse("overstap-nightly.service")["Service"]["Type"], "oneshot")
        self.assertEqual(self.parse("overstap-nightly.service")["Service"]["TimeoutStartSec"], "6h")

    @unittest.skipUnless(shutil.which("systemd-analyze"), "systemd-analyze is not installed")
    def test_systemd_analyze_verify(self):
        with tempfile.TemporaryDirectory() as directory:
            for name in self.units:
                text = (OPS / "systemd" / name).read_text().replace("/usr/local/bin/overstap", BIN)
                (Path(directory) / name).write_text(text)
            result = subprocess.run(["systemd-analyze", "verify", "--man=no", *self.units], cwd=directory,
                                    capture_output=True, text=True, env={**os.environ, "SYSTEMD_LOG_LEVEL": "warning"})
            self.assertEqual(result.returncode, 0, result.stdout + result.stderr)


class Dockerfile(unittest.TestCase):
    text = (REPO / "Dockerfile").read_text()

    def test_shape(self):
        stages = re.findall(r"^FROM (\S+)", self.text, re.M)
        self.assertEqual(len(stages), 2)
        self.assertTrue(stages[0].startswith("swift:"))
        self.assertRegex(stages[1], r"^debian:\w+-slim$")
        self.assertIn("--static-swift-stdlib", self.text)
        self.assertIn("libpq5", self.text)
        self.assertIn("libxlsxwriter4", self.text)  # the .xlsx lists (Sources/CXlsxWriter)
        self.assertRegex(self.text, r"(?m)^USER 10001$")
        self.assertIn('ENTRYPOINT ["overstap"]', self.text)
        self.assertIn('CMD ["serve"]', self.text)
        self.assertIn("GET /health", self.text)
        self.assertIn("/usr/local/share/overstap", self.text)  # where the binary looks for sql/

    @unittest.skipUnless(shutil.which("hadolint"), "hadolint is not installed")
    def test_hadolint(self):
        result = subprocess.run(["hadolint", "--config", str(REPO / ".hadolint.yaml"), str(REPO / "Dockerfile")],
                                capture_output=True, text=True)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)



class NightlySchedule(unittest.TestCase):
    """The nightly job runs exactly once every Amsterdam day, whatever runs it (DESIGN.md §5): each
    shipped schedule is simulated over a year with both daylight-saving transitions (29 March and
    25 October 2026), and each simulation is shown to catch a schedule at 02:30, the hour those
    transitions skip and repeat."""
    YEAR = 2026
    START = datetime(YEAR - 1, 12, 31, 12, tzinfo=AMSTERDAM)
    END = datetime(YEAR + 1, 1, 1, 12, tzinfo=AMSTERDAM)

    def days_not_once(self, runs, first=date(YEAR, 1, 1), last=date(YEAR, 12, 31)):
        """Amsterdam days from `first` to `last` on which the instants `runs` do not hold exactly one
        run: {day: count}."""
        counted = Counter(t.astimezone(AMSTERDAM).date() for t in runs)
        days = (first + timedelta(days=n) for n in range((last - first).days + 1))
        return {day: counted[day] for day in days if counted[day] != 1}

    def assertSimulation(self, simulate, shipped, broken):
        self.assertEqual(self.days_not_once(simulate(shipped)), {}, shipped)
        self.assertNotEqual(self.days_not_once(simulate(broken)), {}, f"the simulation misses what {broken} breaks")

    def test_the_hour_exists_once_every_day(self):
        for n in range(365):
            day = date(self.YEAR, 1, 1) + timedelta(days=n)
            at = [datetime(day.year, day.month, day.day, 3, 30, fold=fold, tzinfo=AMSTERDAM) for fold in (0, 1)]
            self.assertEqual(at[0].utcoffset(), at[1].utcoffset(), f"03:30 is ambiguous on {day}")
            self.assertEqual(at[0].astimezone(timezone.utc).astimezone(AMSTERDAM).replace(tzinfo=None),
                             at[0].replace(tzinfo=None), f"03:30 does not exist on {day}")

    def test_cronjob(self):
        """Kubernetes schedules in the CronJob's timeZone; croniter (PyPI) computes the same cron times."""
        def simulate(schedule):
            times, runs = croniter(schedule, self.START), []
            while (run := times.get_next(datetime)) < self.END:
                runs.append(run)
            return runs
        self.assertSimulation(simulate, NIGHTLY_CRON, "30 2 * * *")

    def test_systemd_timer(self):
        def simulate(on_calendar):
            result = subprocess.run(["systemd-analyze", "calendar", "--iterations=400",
                                     f"--base-time=@{int(self.START.timestamp())}", on_calendar],
                                    capture_output=True, text=True, env={**os.environ, "TZ": "UTC"}, check=True)
            found = re.findall(r"(?:Next elapse|Iter\. #\d+): \w+ (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC", result.stdout)
            self.assertEqual(len(found), 400, result.stdout[:500])
            runs = [datetime.fromisoformat(text).replace(tzinfo=timezone.utc) for text in found]
            return [run for run in runs if run < self.END]
        self.assertSimulation(simulate, NIGHTLY_ON_CALENDAR, "*-*-* 02:30:00 Europe/Amsterdam")

    def test_compose_loop(self):
        """Runs ops/nightly-loop.sh itself on a simulated clock: `date +%s` reads it, `sleep` advances it,
        and a fake `overstap` records each run and takes `duration` seconds."""
        script = (OPS / "nightly-loop.sh").read_text()
        self.assertIn("\nat=03:30\n", script)

        def simulate(at, start=self.START, end=self.END, duration=420):
            with tempfile.TemporaryDirectory() as directory:
                directory = Path(directory)
                clock, runs, fake = directory / "clock", directory / "runs", directory / "bin"
                fake.mkdir()
                clock.write_text(f"{int(start.timestamp())}\n")
                runs.touch()
                (directory / "password").write_text("x\n")
                stop, date_command = int(end.timestamp()), shutil.which("date")
                fakes = {
                    "date": f'[ "$*" = "+%s" ] && exec cat {clock}\nexec {date_command} "$@"',
                    # The loop is stopped at the end, or after twice as many sleeps as there are days.
                    "sleep": f'echo >> {directory}/sleeps\n'
                             f'[[ "$1" =~ ^[0-9]+$ ]] && echo $(( $(cat {clock}) + $1 )) > {clock}\n'
                             f'if [ "$(cat {clock})" -ge {stop} ] || [ "$(wc -l < {directory}/sleeps)" -gt 800 ]; then kill -TERM $PPID; fi',
                    "overstap": f'[ "$*" = nightly ] && cat {clock} >> {runs}\necho $(( $(cat {clock}) + {duration} )) > {clock}',
                }
                for name, body in fakes.items():
                    (fake / name).write_text("#!/bin/bash\n" + body + "\n")
                    (fake / name).chmod(0o755)
                (directory / "loop.sh").write_text(script.replace("\nat=03:30\n", f"\nat={at}\n"))
                subprocess.run(["bash", str(directory / "loop.sh")], capture_output=True, timeout=300,
                               env={**os.environ, "PATH": f"{fake}:{os.environ['PATH']}",
                                    "OVERSTAP_API_PASSWORD_FILE": str(directory / "password")})
                return [datetime.fromtimestamp(int(t), timezone.utc) for t in runs.read_text().split()]

        self.assertSimulation(simulate, "03:30", "02:30")
        # The control fails for the right reason: the one day without a 02:30 is skipped, no other.
        self.assertEqual(self.days_not_once(simulate("02:30")), {date(self.YEAR, 3, 29): 0})
        # Started just before, at and just after 03:30 (on a transition day too), with nights of five
        # hours: from the next 03:30 on, one run a day.
        for start in (datetime(self.YEAR, 3, 28, 3, 29, 59, tzinfo=AMSTERDAM), datetime(self.YEAR, 3, 29, 3, 30, 1, tzinfo=AMSTERDAM),
                      datetime(self.YEAR, 10, 24, 3, 30, tzinfo=AMSTERDAM), datetime(self.YEAR, 10, 25, 2, 30, fold=1, tzinfo=AMSTERDAM)):
            first = start.date() if start.time() < time(3, 30) else start.date() + timedelta(days=1)
            runs = simulate("03:30", start=start, end=start + timedelta(days=10), duration=5 * 3600)
            self.assertEqual(self.days_not_once(runs, first, first + timedelta(days=8)), {}, start)

class ConfigurationReference(unittest.TestCase):
    def test_every_variable_read_is_documented(self):
        read = set()
        for path in list((REPO / "Sources").rglob("*.swift")) + [OPS / "restore-drill", OPS / "nightly-loop.sh"]:
            text = path.read_text()
            read |= set(re.findall(r'environment\["([A-Z_]+)"\]', text))
            read |= set(re.findall(r'"(OVERSTAP_[A-Z_]+)"', text))
            read |= set(re.findall(r'\$\{(OVERSTAP_[A-Z_]+)[:}-]', text))
        read -= {"PATH", "USER"}
        documented = set(re.findall(r"^\| `([A-Z_]+)`", (REPO / "docs/configuration.md").read_text(), re.M))
        self.assertGreater(len(read), 10)
        self.assertEqual(read - documented, set(), "read but not documented")
        self.assertEqual(documented - read - {"TZ"}, set(), "documented but never read")


if __name__ == "__main__":
    unittest.main()
