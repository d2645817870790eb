#!/usr/bin/env python3
"""A client generated from the OpenAPI document works (issue 15); part of `make test`.

Generates a Python client from the running server's /v1/openapi.json with openapi-python-client
(PyPI) and uses it, and nothing hand-written, to register a student, record three event types, and
read the timeline and the risicolijst as JSON and as CSV. The aanmelding and the events are built
from the document's own examples, through the generated models.
"""
import datetime
import importlib
import json
import subprocess
import sys

from server import Server


def main():
    with Server() as server:
        token = server.token("coordinator", "--regio", "Utrecht")
        subprocess.run([sys.executable, "-m", "openapi_python_client", "generate", "--url", server.base + "/v1/openapi.json", "--meta", "none",
                        "--output-path", server.tmp + "/overstap_client"], check=True, capture_output=True, cwd=server.tmp)
        sys.path.insert(0, server.tmp)
        klant = importlib.import_module("overstap_client")
        api = lambda naam: importlib.import_module("overstap_client.api." + naam)  # noqa: E731
        models = importlib.import_module("overstap_client.models")
        client = klant.AuthenticatedClient(base_url=server.base, token=token, raise_on_unexpected_status=True)

        document = json.loads(server.request("GET", "/v1/openapi.json")[2])
        def voorbeeld(pad, type_):
            inhoud = document["paths"][pad]["post"]["requestBody"]["content"]["application/json"]
            return inhoud["examples"][type_]["value"]

        aangemeld = api("leerlingen.meld_aan").sync(
            client=client, body=models.AanmeldingVerzoek.from_dict(voorbeeld("/v1/leerlingen", "aanmelding")))
        assert isinstance(aangemeld, models.Vastgelegd), aangemeld
        id_ = aangemeld.id
        registreer = api("leerlingen.registreer")
        for type_, model in [("toestemming_gegeven", models.ToestemmingGegevenVerzoek),
                             ("coach_toegewezen", models.CoachToegewezenVerzoek),
                             ("welkomstgesprek", models.WelkomstgesprekVerzoek)]:
            vastgelegd = registreer.sync(id_, client=client, body=model.from_dict(voorbeeld("/v1/leerlingen/{id}/gebeurtenissen", type_)))
            assert isinstance(vastgelegd, models.Vastgelegd), (type_, vastgelegd)

        tijdlijn = api("leerlingen.tijdlijn").sync(id_, client=client)
        types = [regel.type_ for regel in tijdlijn.resultaten]
        assert types == ["aanmelding", "toestemming_gegeven", "coach_toegewezen", "welkomstgesprek"], types

        peildatum = datetime.date(2026, 4, 10)  # after the 1 April deadline of the example's start
        lijst = api("regio.risicolijst").sync(client=client, peildatum=peildatum)
        regels = [r for r in lijst.resultaten if r.id == id_]
        assert len(regels) == 1 and [r.value for r in regels[0].redenen] == ["geen_mbo_aanmelding"], lijst
        csv = api("regio.risicolijst_csv").sync(client=client, peildatum=peildatum)
        assert isinstance(csv, str) and str(id_) in csv and "geen_mbo_aanmelding" in csv, csv
        print(f"generated client: OK (registered, 3 events, timeline of {len(types)}, risicolijst JSON and CSV)")
    if server.errors:
        print("".join(server.errors[:20]))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
