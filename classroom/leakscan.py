"""Search files for what a student must never read: exercise solutions, hidden tests, the quiz key.

    python classroom/leakscan.py needles OUT.txt [VENV]  write the search strings (as root)
    python classroom/leakscan.py scan NEEDLES ROOT...    as a student: list readable files holding any

Needles: each line of a `### BEGIN SOLUTION` or `### BEGIN HIDDEN TESTS` block of grading/source that
is long enough to be specific (20+ characters) and does not also appear in what students are given
anyway (the released exercises, the lecture notebooks); each option's explanation from the quiz key;
and the key's correct-option flag as it is written in helpers/quiz/key.json.
The scan uses `grep -rlF` (every readable file; unreadable ones are skipped, as for the student).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BLOCKS = {"### BEGIN SOLUTION": "### END SOLUTION", "### BEGIN HIDDEN TESTS": "### END HIDDEN TESTS"}
MIN_LENGTH = 20


def notebook_sources(path: Path) -> list[str]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return ["".join(cell["source"]) for cell in cells]


def secret_lines() -> set[str]:
    lines: set[str] = set()
    for notebook in sorted((ROOT / "grading" / "source").glob("*/*.ipynb")):
        for source in notebook_sources(notebook):
            end = None
            for line in source.splitlines():
                text = line.strip()
                if end is None:
                    end = BLOCKS.get(text)
                elif text == end:
                    end = None
                elif len(text) >= MIN_LENGTH:
                    lines.add(text)
    return lines


def public_text() -> str:
    """What students are given anyway: released exercises, lecture notebooks, the helpers' code."""
    parts = []
    given = [*(ROOT / "grading" / "release").glob("*/*.ipynb"), *(ROOT / "notebooks").glob("*.ipynb")]
    for notebook in given:
        parts += notebook_sources(notebook)
    parts += [path.read_text(encoding="utf-8") for path in sorted((ROOT / "helpers").rglob("*.py"))]
    return "\n".join(parts)


def in_libraries(lines: set[str], site_packages: list[Path]) -> set[str]:
    """The lines that third-party code also holds (`self.built = True`...): not secrets."""
    if not lines or not site_packages:
        return set()
    patterns = ROOT / "build" / "classroom-candidates.txt"
    patterns.parent.mkdir(parents=True, exist_ok=True)
    patterns.write_text("\n".join(sorted(lines)) + "\n", encoding="utf-8")
    result = subprocess.run(["grep", "-rohF", "--no-messages", "-f", str(patterns), *map(str, site_packages)],
                            capture_output=True, text=True)
    found = {line.strip() for line in result.stdout.splitlines()}
    return {line for line in lines if line in found}


def key_strings() -> set[str]:
    raw = json.loads((ROOT / "helpers" / "quiz" / "key.json").read_text(encoding="utf-8"))
    found = {'"correct": true'}
    for question in raw["questions"]:
        for option in question["options"].values():
            # JSON escapes quotes and non-ASCII: keep the longest plain run of the explanation.
            runs = [run for run in option["explanation"].replace("\\", '"').split('"') if run.isascii()]
            best = max(runs, key=len, default="")
            if len(best) >= MIN_LENGTH:
                found.add(best[:80])
    return found


def needles(venv: Path | None = None) -> list[str]:
    public = public_text()
    lines = {line for line in secret_lines() if line not in public}
    if venv is not None:
        libraries = [p for p in venv.glob("lib/python3*/site-packages")]
        lines -= in_libraries(lines, libraries)
    return sorted(lines | key_strings())


def scan(needle_file: Path, roots: list[str]) -> list[str]:
    result = subprocess.run(["grep", "-rlF", "--no-messages", "-f", str(needle_file), *roots],
                            capture_output=True, text=True)
    if result.returncode not in (0, 1):
        raise SystemExit(f"grep failed ({result.returncode}): {result.stderr[-500:]}")
    return result.stdout.splitlines()


def main(argv: list[str]) -> int:
    if argv[:1] == ["needles"] and len(argv) in (2, 3):
        found = needles(Path(argv[2]) if len(argv) == 3 else None)
        Path(argv[1]).write_text("\n".join(found) + "\n", encoding="utf-8")
        print(f"{len(found)} needles in {argv[1]}")
        return 0
    if argv[:1] == ["scan"] and len(argv) >= 3:
        hits = scan(Path(argv[1]), argv[2:])
        print("\n".join(hits) if hits else "no file holds a solution, hidden test or key line")
        return 1 if hits else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
