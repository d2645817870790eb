#!/usr/bin/env python3
"""The OpenAPI document as a contract (issue 15), checked against the real server; part of `make test`.

Starts `overstap serve` with a small demo region and runs schemathesis over every operation of
/v1/openapi.json as a coordinator, as an admin and as an mbo, with the checks a client relies on: no 5xx
(`not_a_server_error`); a request the schema allows is accepted or refused for a documented reason
(`positive_data_acceptance`: 2xx, 401, 403, 404, 409, 412 or 422, `schemathesis.toml`); a request it
does not allow is refused (`negative_data_rejection`); every status, content type and body is
documented (`status_code_conformance`, `content_type_conformance`, `response_schema_conformance`); and
a method a path does not have is a 405 with `Allow` (`unsupported_method`). Bounded in time:
OVERSTAP_CONTRACT_SECONDS (default 20) per role.
"""
import os
import sys

from server import schemathesis

CHECKS = ["not_a_server_error", "positive_data_acceptance", "negative_data_rejection", "status_code_conformance",
          "content_type_conformance", "response_schema_conformance", "unsupported_method"]
ROLES = {"coordinator": ["--regio", "Utrecht"], "admin": [], "mbo": ["--regio", "Utrecht", "--instelling", "MBO Utrecht"]}

if __name__ == "__main__":
    sys.exit(schemathesis("contract", ROLES, ["--checks", ",".join(CHECKS), "--phases", "examples,coverage,fuzzing",
                                              "--max-time", os.environ.get("OVERSTAP_CONTRACT_SECONDS", "20")]))
