#!/usr/bin/env python3
"""The overstaptafel's risicolijst on paper (issue 16), in a real browser; part of `make test`.

Fetches `GET /v1/risicolijst` with `Accept: text/html` as the overstaptafel of the demo region, has
headless Chromium (Debian) print it to PDF, and reads the PDF back with pdftotext (poppler-utils):
the region and peildatum in words, the column to write the decision in on every page, and for each
student on the list the name its consent allows (or its case number) with its reasons in Dutch words.
"""
import json
import os
import shutil
import subprocess
import sys

from server import Server

REDENEN = {  # Risicoreden.omschrijving
    "no_show": "niet verschenen op het mbo", "start_onbevestigd": "start op het mbo niet bevestigd",
    "signaal_open": "signaal staat te lang open", "geen_mbo_aanmelding": "niet op tijd aangemeld bij het mbo",
    "contact_verlopen": "te lang geen contact", "stagebezoek_verlopen": "stagebezoek te lang geleden",
    "geen_coach": "nog geen coach", "geen_welkomstgesprek": "nog geen welkomstgesprek",
    "geen_toestemming": "geen toestemming vastgelegd", "evaluatie_verlopen": "evaluatie te laat",
    "overdracht_verlopen": "overdracht aan het zorgteam te laat", "coach_overbelast": "coach boven de norm",
}


def main():
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if not browser or not shutil.which("pdftotext"):
        print("afdruk: chromium and pdftotext are needed (apt-get install chromium poppler-utils)")
        return 1
    failures = []
    with Server(demo=40) as server:
        token = server.token("overstaptafel", "--regio", "Utrecht")
        pad = "/v1/risicolijst?peildatum=2026-11-20"
        # Consent for the overstaptafel for the first two on the list, so that the page has names to show.
        coordinator = server.token("coordinator", "--regio", "Utrecht")
        for regel in json.loads(server.request("GET", pad + "&paginaGrootte=2", token)[2])["resultaten"]:
            status, _, _ = server.request("POST", f"/v1/leerlingen/{regel['id']}/gebeurtenissen", coordinator, body={
                "type": "toestemming_gegeven", "datum": "2026-11-01", "gegevens": {"door": "ouder", "scope": ["overstaptafel"]}})
            assert status == 201, status
        status, headers, body = server.request("GET", pad, token, headers={"Accept": "text/html"})
        if status != 200 or not headers.get("Content-Type", "").startswith("text/html"):
            print(f"afdruk: {status} {headers.get('Content-Type')}")
            return 1
        _, _, lijst = server.request("GET", pad + "&paginaGrootte=500", token)
        regels = json.loads(lijst)["resultaten"]
        pagina = os.path.join(server.tmp, "risicolijst.html")
        pdf = os.path.join(server.tmp, "risicolijst.pdf")
        with open(pagina, "wb") as f:
            f.write(body)
        subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                        f"--user-data-dir={server.tmp}/chromium", f"--print-to-pdf={pdf}", "file://" + pagina],
                       check=True, capture_output=True, timeout=120)
        tekst = subprocess.run(["pdftotext", pdf, "-"], check=True, capture_output=True, text=True).stdout
        paginas = [p for p in tekst.split("\f") if p.strip()]
        plat = " ".join(tekst.split())

        def eis(ok, wat):
            print(("ok      " if ok else "FAILED  ") + wat)
            if not ok:
                failures.append(wat)

        eis("Risicolijst Utrecht" in plat and "peildatum 20 november 2026" in plat, "the region and the peildatum in words")
        eis(len(regels) > 0 and f"{len(regels)} leerling(en)" in plat, f"the count of {len(regels)} students")
        eis(all("Besluit" in p and "Leerling" in p for p in paginas), f"the header with Besluit on each of {len(paginas)} page(s)")
        namen = [r for r in regels if r.get("naam")]
        eis(len(namen) > 0 and all(" ".join(r["naam"].split()) in plat for r in namen),
            f"the {len(namen)} names the consent allows")
        zonder = [r for r in regels if not r.get("naam")]
        eis(all(f"traject {r['id'][:8]}" in plat for r in zonder), f"a case number for the {len(zonder)} others")
        eis(all(REDENEN[reden] in plat for r in regels for reden in r["redenen"]), "every reason in Dutch words")
        eis(not any(reden in plat for r in regels for reden in r["redenen"] if "_" in reden), "no wire names of reasons")
    if server.errors:
        failures.append("internal errors logged")
        print("".join(server.errors[:20]))
    print("afdruk: " + ("OK" if not failures else f"{len(failures)} failed"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
