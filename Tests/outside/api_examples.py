#!/usr/bin/env python3
"""docs/api.md shows one example per event type, taken from the OpenAPI document's examples (issue 15).

`python3 Tests/outside/api_examples.py` fails when the section between the markers in docs/api.md
differs from what the document's examples give; `--write` rewrites the section. Part of `make test`.
"""
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DOCUMENT = os.path.join(ROOT, "Sources", "OverstapHTTP", "openapi.json")
PAGE = os.path.join(ROOT, "docs", "api.md")
BEGIN, END = "<!-- examples: begin (Tests/outside/api_examples.py --write) -->", "<!-- examples: end -->"


def section():
    document = json.load(open(DOCUMENT, encoding="utf-8"))
    lines = [BEGIN, ""]
    for pad in ["/v1/leerlingen", "/v1/leerlingen/{id}/gebeurtenissen"]:
        examples = document["paths"][pad]["post"]["requestBody"]["content"]["application/json"]["examples"]
        for name, example in examples.items():
            lines += [f"**`{name}`** — {example['summary']}: `POST {pad}`", "",
                      "```json", json.dumps(example["value"], ensure_ascii=False), "```", ""]
    return "\n".join(lines + [END])


def main():
    page = open(PAGE, encoding="utf-8").read()
    if BEGIN not in page or END not in page:
        print(f"api examples: the markers are missing from {PAGE}")
        return 1
    before, rest = page.split(BEGIN, 1)
    after = rest.split(END, 1)[1]
    new = before + section() + after
    if "--write" in sys.argv:
        open(PAGE, "w", encoding="utf-8").write(new)
        print("api examples: written")
        return 0
    if new != page:
        print("api examples: docs/api.md differs from the document's examples; run python3 Tests/outside/api_examples.py --write")
        return 1
    print("api examples: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
