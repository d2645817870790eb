#!/usr/bin/env python3
"""The module boundaries of docs/architecture.md, checked on the package graph (part of `make test`).

Reads `swift package describe --type json` and every target's sources, and fails when:
- the domain (`Overstap`) depends on anything but `CivilDate`, or imports a module that is not
  Foundation or CivilDate (no database, no I/O layer, no logging);
- a target imports a module its declaration in Package.swift does not name (`@_exported` too), or
  declares a dependency none of its sources imports (a stale one quietly allows the wrong code);
- `OverstapHTTP` runs SQL itself (a query call or a SQL keyword at the start of a string);
- a generic layer (`Postgres`, `EventStore`, `CivilDate`) depends on an Overstap target.
"""
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SYSTEM = {"Foundation", "FoundationEssentials", "Dispatch", "Glibc", "Darwin", "Synchronization", "Testing",
          "XCTest", "os"}
DOMAIN_MAY_IMPORT = {"Foundation", "CivilDate"}
GENERIC = {"Postgres", "EventStore", "CivilDate", "CLibPQ"}


def imports(path):
    found = set()
    for file in (ROOT / path).rglob("*.swift"):
        for match in re.finditer(r"^\s*(?:@\w+\s+)*(?:(?:public|package|internal|private|fileprivate)\s+)?import\s+"
                                 r"(?:struct\s+|enum\s+|class\s+|func\s+|protocol\s+)?(\w+)",
                                 file.read_text(), re.M):
            found.add((match.group(1), file.relative_to(ROOT)))
        if "@_exported" in file.read_text():
            found.add(("@_exported", file.relative_to(ROOT)))
    return found


def main():
    described = json.loads(subprocess.run(["swift", "package", "describe", "--type", "json"], cwd=ROOT,
                                          check=True, capture_output=True, text=True).stdout)
    targets = {t["name"]: t for t in described["targets"]}
    failures = []
    for name, target in sorted(targets.items()):
        if target.get("type") == "system-target":
            continue
        declared = set(target.get("target_dependencies") or []) | set(target.get("product_dependencies") or [])
        found = imports(target["path"])
        for unused in sorted(declared - {module for module, _ in found}):
            failures.append(f"target {name} declares {unused}, which none of its sources imports")
        for module, file in sorted(found):
            if module == "@_exported":
                failures.append(f"{file}: @_exported import (say what a target uses in Package.swift)")
            elif module not in declared | SYSTEM | {name}:
                failures.append(f"{file}: imports {module}, which target {name} does not declare")
            elif name == "Overstap" and module not in DOMAIN_MAY_IMPORT:
                failures.append(f"{file}: the domain imports {module}")
        if name == "Overstap" and set(target.get("target_dependencies") or []) - {"CivilDate"} | set(target.get("product_dependencies") or []):
            failures.append(f"the domain depends on {sorted(declared)}; it may depend on CivilDate only")
        if name in GENERIC and {d for d in declared if d.startswith("Overstap")}:
            failures.append(f"the generic layer {name} depends on {sorted(declared)}")
    for file in sorted((ROOT / "Sources/OverstapHTTP").rglob("*.swift")):
        text = file.read_text()
        if re.search(r"\.query\(|\.copyIn\(|unsafeSQL:|\"\"\"\s*\n\s*(SELECT|INSERT|UPDATE|DELETE|WITH|COPY)\b"
                     r"|\"(SELECT|INSERT|UPDATE|DELETE|WITH|COPY) ", text):
            failures.append(f"{file.relative_to(ROOT)}: SQL in the HTTP layer")
    for line in failures:
        print("architecture: " + line)
    print(f"architecture: {'OK' if not failures else f'{len(failures)} FAILED'} ({len(targets)} targets)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
