#!/usr/bin/env python3
"""The risicolijst in a real spreadsheet program (issue 19): part of `make test`.

Registers students whose school, coach and name are what Dutch Excel gets wrong (`0042`, `3-4`,
"Sint-Michaël", a name that looks like a formula), in the region "Fryslân", with the overstaptafel's
consent. Then fetches the list as the overstaptafel reads it, as JSON and as a spreadsheet would
open it, and lets LibreOffice Calc (headless, language nl-NL) open each file and save it as .xlsx,
which openpyxl reads back:
- the CSV with `scheidingsteken=puntkomma`, imported with Dutch settings (`;`, UTF-8);
- the .xlsx export.
Every column, diacritic and leading zero must arrive as text, equal to the JSON list. To show that
this check can tell, the plain comma CSV opened the same way must lose the leading zero.
"""
import csv
import io
import json
import os
import subprocess
import sys
import tempfile
import urllib.parse

import openpyxl

from server import Server

REGIO = "Fryslân"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STUDENTS = [  # vso school, coach, name
    ("0042", "3-4", "Zoë Çelik"),
    ("Sint-Michaël", "0007", "Jan-Willem \"JW\" de Vries; junior"),
    ("De Brug", None, "=HYPERLINK(\"http://x\")"),
]
PEILDATUM = "2026-11-20"


def register(server, token):
    for school, coach, naam in STUDENTS:
        status, headers, body = server.request("POST", "/v1/leerlingen", token, {
            "datum": "2026-01-15",
            "gegevens": {
                "regio": REGIO, "vsoSchool": school, "uitstroomprofiel": "vervolgonderwijs",
                "beoogdeOpleiding": {"instelling": "Friesland College", "opleiding": "Entree"},
                "verwachteStartdatum": "2026-08-24",
                "persoonsgegevens": {"naam": naam, "geboortedatum": "2010-05-01", "leerlingnummer": "000123"}}})
        assert status == 201, (status, body)
        case = json.loads(body)["id"]
        events = [("toestemming_gegeven", {"door": "ouder", "scope": ["overstaptafel"]})]
        if coach:
            events.append(("coach_toegewezen", {"coach": coach}))
        for kind, data in events:
            status, _, body = server.request("POST", f"/v1/leerlingen/{case}/gebeurtenissen", token,
                                             {"type": kind, "datum": "2026-01-16", "gegevens": data})
            assert status == 201, (kind, status, body)


def libreoffice(path, infilter=None):
    """The rows LibreOffice Calc sees in `path`: it opens the file and saves it as .xlsx; openpyxl
    reads the cached values and their types. Returns [[(value, type)]]."""
    out = os.path.join(os.path.dirname(path), "calc")
    command = ["soffice", "--headless", "--norestore", "--convert-to", "xlsx", "--outdir", out, path]
    if infilter:
        command[3:3] = ["--infilter=" + infilter]
    env = {**os.environ, "HOME": os.path.dirname(path), "LANG": "nl_NL.UTF-8"}
    subprocess.run(command, check=True, capture_output=True, timeout=120, env=env)
    name = os.path.splitext(os.path.basename(path))[0] + ".xlsx"
    sheet = openpyxl.load_workbook(os.path.join(out, name), data_only=True).active
    return [[(cell.value, cell.data_type) for cell in row] for row in sheet.iter_rows()]


def main():
    failures = []

    def check(ok, what):
        print(("ok      " if ok else "FAILED  ") + what)
        if not ok:
            failures.append(what)

    with Server() as server, tempfile.TemporaryDirectory(prefix="overstap-calc-") as tmp:
        register(server, server.token("coordinator", "--regio", REGIO))
        tafel = server.token("overstaptafel", "--regio", REGIO)
        query = f"/v1/risicolijst?peildatum={PEILDATUM}"
        _, _, body = server.request("GET", query + "&paginaGrootte=100", tafel)
        lijst = json.loads(body)["resultaten"]
        expected = [["traject", "vso_school", "coach", "fase", "ernstigste_reden", "redenen", "naam"]] + [
            [r["id"], r["vsoSchool"], r.get("coach") or "-", r["fase"], r["redenen"][0], " ".join(r["redenen"]), r["naam"]]
            for r in lijst]
        # In a CSV a cell that would be a formula keeps a leading ' (OWASP, "CSV Injection"); an
        # .xlsx cell is typed text, so it holds the value itself.
        guarded = [[f"'{v}" if v != "-" and v[:1] in ("=", "+", "-", "@", "\t", "\r") else v for v in row] for row in expected]
        check(len(lijst) == len(STUDENTS) and all(r.get("naam") for r in lijst), "the list names every student")

        downloads = {}
        for name, suffix, accept in (("puntkomma", "&scheidingsteken=puntkomma", "text/csv"),
                                     ("komma", "", "text/csv"), ("xlsx", "", XLSX)):
            status, headers, body = server.request("GET", query + suffix, tafel, headers={"Accept": accept})
            disposition = headers.get("Content-Disposition", "")
            extension = "xlsx" if name == "xlsx" else "csv"
            check(status == 200 and f"filename*=UTF-8''risicolijst-{urllib.parse.quote(REGIO)}-{PEILDATUM}.{extension}" in disposition
                  and f'filename="risicolijst-Fryslan-{PEILDATUM}.{extension}"' in disposition,
                  f"{name}: 200 with Content-Disposition per RFC 6266 ({disposition})")
            downloads[name] = os.path.join(tmp, f"{name}.{extension}")
            with open(downloads[name], "wb") as file:
                file.write(body)
        with open(downloads["komma"], encoding="utf-8-sig", newline="") as file:
            check(list(csv.reader(file)) == guarded, "komma: RFC 4180 CSV (after its BOM) equals the JSON list")
        with open(downloads["komma"], "rb") as file:
            check(file.read(3) == b"\xef\xbb\xbf", "komma: begins with the UTF-8 byte order mark")

        dutch = "CSV:59,34,76,1,,1043"  # separator ';', quote '"', UTF-8, from line 1, language nl-NL
        for name, infilter, want in (("puntkomma", dutch, guarded), ("xlsx", None, expected)):
            rows = libreoffice(downloads[name], infilter)
            values = [[value for value, _ in row] for row in rows]
            check(values == want, f"{name}: LibreOffice shows every column, diacritic and leading zero")
            if values != want:
                print(json.dumps({"expected": want, "calc": values}, ensure_ascii=False, indent=1, default=str))
            check(all(kind == "s" for row in rows for _, kind in row), f"{name}: every cell is text in LibreOffice")
        # The control: a plain CSV with commas, opened with the comma as separator and Dutch settings.
        rows = libreoffice(downloads["komma"], "CSV:44,34,76,1,,1043")
        check(any(value == 42 for row in rows for value, _ in row), "control: an unprotected 0042 becomes 42 in LibreOffice")
    if server.errors:
        check(False, "no internal errors logged")
    print(f"spreadsheet: {'OK' if not failures else f'{len(failures)} FAILED'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
