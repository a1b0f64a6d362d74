"""Print the notebook x backend table (pass/fail and seconds) from a pytest JUnit report.

    python tools/matrix.py test-artifacts/junit.xml            # print the table
    python tools/matrix.py test-artifacts/junit.xml --record   # also update notebooks/run_times.json

Rows come from tests/test_notebooks.py::test_notebook_runs, whose ids are "<path>[<backend>]".
A notebook whose metadata narrows its backends shows "n/a" (with the reason) for the others.
"""

from __future__ import annotations

import json
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from helpers.notebook_meta import ALL_BACKENDS  # noqa: E402

RUN_ID = re.compile(r"^test_notebook_runs\[(?P<path>.+\.ipynb)\[(?P<backend>\w+)\]\]$")
RUN_TIMES = ROOT / "notebooks" / "run_times.json"


def results(report: Path) -> dict[str, dict[str, tuple[str, float]]]:
    """notebook path -> backend -> (outcome, seconds) for every notebook run in the report."""
    table: dict[str, dict[str, tuple[str, float]]] = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        match = RUN_ID.match(case.get("name", ""))
        if not match:
            continue
        if case.find("skipped") is not None:
            outcome = "skip"
        elif case.find("failure") is not None or case.find("error") is not None:
            outcome = "FAIL"
        else:
            outcome = "pass"
        table.setdefault(match["path"], {})[match["backend"]] = (outcome, float(case.get("time", 0)))
    return table


def render(table: dict[str, dict[str, tuple[str, float]]]) -> str:
    width = max([len(path) for path in table] + [8])
    lines = [f"{'notebook':<{width}}  " + "  ".join(f"{b:>16}" for b in ALL_BACKENDS)]
    for path in sorted(table):
        cells = []
        for backend in ALL_BACKENDS:
            if backend in table[path]:
                outcome, seconds = table[path][backend]
                cells.append(f"{outcome} {seconds:6.1f} s".rjust(16))
            else:
                cells.append("n/a".rjust(16))
        lines.append(f"{path:<{width}}  " + "  ".join(cells))
    runs = [cell for row in table.values() for cell in row.values()]
    passed = sum(outcome == "pass" for outcome, _ in runs)
    lines.append(f"{passed} of {len(runs)} notebook runs passed; "
                 f"{sum(seconds for _, seconds in runs):.0f} s of notebook time in all")
    return "\n".join(lines)


def record(table: dict[str, dict[str, tuple[str, float]]]) -> None:
    """Keep the passing runs' seconds (per notebook stem) for the index page's run-time column."""
    times = json.loads(RUN_TIMES.read_text(encoding="utf-8")) if RUN_TIMES.exists() else {}
    for path, row in table.items():
        passing = {b: round(s, 1) for b, (outcome, s) in row.items() if outcome == "pass"}
        if path.startswith("notebooks/") and passing:
            times[Path(path).stem] = passing
    RUN_TIMES.write_text(json.dumps(dict(sorted(times.items())), indent=1) + "\n", encoding="utf-8")


def main(argv: list[str]) -> int:
    if len(argv) < 2 or not Path(argv[1]).exists():
        print(__doc__)
        return 2
    table = results(Path(argv[1]))
    print(render(table))
    if "--record" in argv:
        record(table)
    return 0 if all(o != "FAIL" for row in table.values() for o, _ in row.values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
