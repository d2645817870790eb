#!/usr/bin/env python3
"""Lists on paper (issue 16), in a real browser; part of `make test`.

Fetches `GET /v1/risicolijst` with `Accept: text/html` as the overstaptafel of the demo region, has
headless Chromium (Debian) print it to PDF, and reads the PDF back with pdftotext (poppler-utils):
the region and peildatum in words, the column to write the decision in on every page, and for each
student on the list the name its consent allows (or its case number) with its reasons in Dutch words.
Then the same for the regional monitor (`GET /v1/monitor`) as the coordinator: the cohort and
peildatum in words, the school years it is compared with, every split with every group, the
figures' heads on every page, and no case number or name.
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
    "overdracht_verlopen": "overdracht aan het zorgteam te laat", "nameting_verlopen": "nameting na een jaar ontbreekt",
    "coach_overbelast": "coach boven de norm",
}
SPLITSINGEN = {"vsoSchool": "vso-school", "warmeOverdracht": "warme overdracht"}  # Uitsplitsing.kop
MATEN = ["aangemeld", "mboAangemeldVoor1April", "warmeOverdracht", "gestart", "noShow", "ingeschrevenOp1Oktober", "gewisseld",
         "uitgevallen", "diploma", "nametingMbo", "nametingDiploma", "nametingWerk", "nametingUitgevallen", "nametingOnbekend"]  # Maat


def druk(browser, server, naam, body):
    """The page `body` printed to PDF by headless Chromium: its text, and its text per page."""
    pagina = os.path.join(server.tmp, naam + ".html")
    pdf = os.path.join(server.tmp, naam + ".pdf")
    with open(pagina, "wb") as f:
        f.write(body)
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                    f"--user-data-dir={server.tmp}/chromium", f"--print-to-pdf={pdf}", "file://" + pagina],
                   check=True, capture_output=True, timeout=120)
    tekst = subprocess.run(["pdftotext", pdf, "-"], check=True, capture_output=True, text=True).stdout
    return " ".join(tekst.split()), [p for p in tekst.split("\f") if p.strip()]


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
        plat, paginas = druk(browser, server, "risicolijst", body)

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

        # The monitor of the earlier cohort, which by now has switches, dropouts and follow-ups.
        pad = "/v1/monitor?schooljaar=2025-2026&peildatum=2026-11-20"
        status, headers, body = server.request("GET", pad, coordinator, headers={"Accept": "text/html"})
        eis(status == 200 and headers.get("Content-Type", "").startswith("text/html"), f"the monitor as a page ({status})")
        monitor = json.loads(server.request("GET", pad, coordinator)[2])
        plat, paginas = druk(browser, server, "monitor", body)
        eis("Monitor Utrecht" in plat and "cohort 2025-2026, peildatum 20 november 2026" in plat, "the cohort and the peildatum in words")
        eis(all(f"{v['schooljaar']} ({v['peildatum']})" in plat for v in monitor["vergelijking"]), "the school years it is compared with")
        eis(all("Naar " + SPLITSINGEN.get(u["naar"], u["naar"]) in plat and all(g["groep"] in plat for g in u["groepen"])
                for u in monitor["uitsplitsingen"]), f"{len(monitor['uitsplitsingen'])} splits with every group")
        # (A head may wrap within its cell, so single words.)
        eis(all("aangemeld" in p and "gestart" in p and "uitgevallen" in p for p in paginas), f"the figures' heads on each of {len(paginas)} page(s)")
        totaal = " ".join(str(monitor["totaal"][k]) for k in MATEN)
        eis(totaal in plat, f"the cohort's totals in order ({totaal})")
        eis("traject" not in plat and not any(" ".join(r["naam"].split()) in plat for r in namen), "no case number, no name")
    if server.errors:
        failures.append("internal errors logged")
        print("".join(server.errors[:20]))
    print("afdruk: " + ("OK" if not failures else f"{len(failures)} failed"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
