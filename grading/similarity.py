"""`make similarity`: which students' solution cells are unusually close to each other.

    python grading/similarity.py ASSIGNMENT [--course grading] [--submitted DIR] [--out report.html]

A report is a reason to read two notebooks side by side, never proof of copying (docs/integrity.md).

1. Extract: the solution cells (nbgrader metadata `solution: true`) of every
   submitted/<student>/<assignment>/*.ipynb; the reference solution is the solution cells of
   source/<assignment>/<assignment>.ipynb, the starter code every code cell of the release.
2. Normalise (tokenize + ast): comments, docstrings, blank lines and indentation go; numbers and
   strings are written one way (0.90 -> 0.9, 'x' -> "x"); a trailing comma before a bracket goes.
   Names the code binds itself (variables, parameters, functions, classes, attributes it assigns)
   become placeholders numbered by first appearance *within each k-gram*: renaming a variable
   changes nothing, and moving a statement changes only the k-grams across its edges (a numbering
   over the whole cell would shift every later placeholder). Library names (keras.ops.mean) stay.
   A cell that does not parse is compared on a plain token split, with a note.
3. Fingerprint: hashes of every k-gram of tokens, winnowed (MOSS: the smallest hash of each window
   of w consecutive k-grams), so any run of at least k + w - 1 shared tokens is caught.
4. Discount: k-grams of the reference solution, of the release's own code, and k-grams that more
   than COMMON of the class wrote (idioms every solution needs) count for nobody. With a short
   canonical solution most of an honest student's code is the reference's; what is left is theirs.
5. Score: Jaccard of two students' remaining fingerprints. A pair is flagged when its score is an
   outlier of the class's pair scores (robust z = (score - median) / (1.4826 MAD) >= Z) and also at
   least MIN_SCORE with at least MIN_SHARED fingerprints (two nearly-reference solutions share
   too little of their own to say anything).

Hand-written rather than a library: copydetect (PyPI, the nearest fit) compares files with its own
report and cannot take out what a whole class shares, and the core here is about 60 lines.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import html
import io
import json
import keyword
import re
import statistics
import sys
import tokenize
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

GRADING = Path(__file__).resolve().parent

K = 5  # tokens per k-gram: shorter runs are idioms (`self.x = x`)
WINDOW = 4  # winnowing window: every shared run of K + WINDOW - 1 = 8 tokens is kept
COMMON = 0.2  # a k-gram in more than this share of the class is common (and at least 3 students)
Z = 3.5  # robust z above which a pair is unusual (Iglewicz and Hoaglin's outlier rule)
MIN_SCORE = 0.5  # at least half of the two students' own fingerprints in common
MIN_SHARED = 8  # and at least 8 of them: about 20 tokens, two lines of their own code
SHOWN = 15  # pairs listed besides the flagged ones

DROPPED = {tokenize.COMMENT, tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING,
           tokenize.ENDMARKER}
CLOSING = {")", "]", "}"}
FALLBACK_TOKEN = re.compile(r"[A-Za-z_]\w*|\d[\w.]*|\"[^\"\n]*\"|'[^'\n]*'|\*\*|//|[-+*/%<>=!]=|\S")
BINDING_WORDS = {"def", "class", "for", "as", "global", "nonlocal", "lambda"}


# ---------------------------------------------------------------- normalised tokens

@dataclass(frozen=True)
class Token:
    text: str  # normalised; for an own name the name itself (placeholders are per k-gram)
    own: bool  # a name the code binds itself
    line: int  # index into the submission's listing (for the side-by-side view)


@dataclass
class Code:
    """One student's (or the reference's) solution code: what is shown and what is compared."""
    listing: list[str] = field(default_factory=list)  # display lines, cells separated by a marker
    tokens: list[Token] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def without_magics(source: str) -> str:
    """IPython magics and shell escapes are not Python: blank them, keeping line numbers."""
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.split("\n"))


def bound_names(tree: ast.AST) -> set[str]:
    """Names the code itself binds: they are the student's choice, so they are compared as placeholders."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            names.add(node.id)
        elif isinstance(node, ast.Attribute) and not isinstance(node.ctx, ast.Load):
            names.add(node.attr)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.alias) and node.asname:
            names.add(node.asname)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
    return names


def literal(text: str, kind: int) -> str:
    """One spelling per value: 0.90 and 0.9, 'a' and "a" compare equal."""
    try:
        return repr(ast.literal_eval(text))
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return text if kind == tokenize.NUMBER else "STR"


def python_tokens(source: str, own: set[str]) -> list[tuple[str, bool, int]]:
    """(text, own, line) for one parsable cell; docstrings and bare strings dropped."""
    raw = [t for t in tokenize.generate_tokens(io.StringIO(source).readline) if t.type not in DROPPED]
    kept = []
    for i, tok in enumerate(raw):
        before = raw[i - 1].type if i else tokenize.NEWLINE
        after = raw[i + 1].type if i + 1 < len(raw) else tokenize.NEWLINE
        if tok.type == tokenize.STRING and before == tokenize.NEWLINE and after == tokenize.NEWLINE:
            continue  # a docstring or a bare string: prose, not code
        if tok.string == "," and i + 1 < len(raw) and raw[i + 1].string in CLOSING:
            continue  # trailing comma: formatting
        if tok.type in (tokenize.NEWLINE, tokenize.OP) and tok.string in ("\n", "", ";"):
            text = ";"
        elif tok.type in (tokenize.NUMBER, tokenize.STRING):
            text = literal(tok.string, tok.type)
        else:
            text = tok.string
        is_own = tok.type == tokenize.NAME and text in own and not keyword.iskeyword(text)
        kept.append((text, is_own, tok.start[0]))
    return [k for i, k in enumerate(kept) if not (k[0] == ";" and i and kept[i - 1][0] == ";")]


def fallback_tokens(source: str) -> list[tuple[str, bool, int]]:
    """A plain split for code that does not parse: names that look assigned or defined count as own."""
    words = []
    for number, line in enumerate(source.split("\n"), start=1):
        line = re.sub(r"#.*", "", line)
        words += [(m.group(), number) for m in FALLBACK_TOKEN.finditer(line)]
        if line.strip():
            words.append((";", number))
    own = set()
    for i, (word, _) in enumerate(words):
        if not re.fullmatch(r"[A-Za-z_]\w*", word) or keyword.iskeyword(word):
            continue
        previous = words[i - 1][0] if i else ""
        following = words[i + 1][0] if i + 1 < len(words) else ""
        if previous in BINDING_WORDS or following == "=" or following.endswith("=") and following != "==":
            own.add(word)
    return [(w, w in own, n) for w, n in words]


def normalise(cells: list[str]) -> Code:
    """The display listing and the normalised tokens of a list of cell sources."""
    code = Code()
    for number, source in enumerate(cells, start=1):
        if len(cells) > 1:
            code.listing.append(f"# --- solution cell {number} ---")
        offset = len(code.listing) - 1  # token lines are 1-based within the cell
        code.listing += source.split("\n")
        clean = without_magics(source)
        try:
            tokens = python_tokens(clean, bound_names(ast.parse(clean)))
        except (SyntaxError, ValueError, tokenize.TokenError) as error:
            line = getattr(error, "lineno", None)
            code.notes.append(f"solution cell {number} does not parse ({type(error).__name__}"
                              f"{f' on line {line}' if line else ''}): compared on plain tokens")
            tokens = fallback_tokens(clean)
        code.tokens += [Token(text, own, offset + line) for text, own, line in tokens]
    return code


# ---------------------------------------------------------------- fingerprints

def kgram_hash(tokens: list[Token]) -> int:
    """Hash of one k-gram, own names replaced by their order of first appearance inside it."""
    places: dict[str, int] = {}
    parts = []
    for tok in tokens:
        if tok.own:
            parts.append(f"${places.setdefault(tok.text, len(places))}")
        else:
            parts.append(tok.text)
    return int.from_bytes(hashlib.blake2b("\x1f".join(parts).encode(), digest_size=8).digest(), "big")


def kgrams(code: Code, k: int = K) -> list[int]:
    """The hash of the k-gram starting at every token."""
    return [kgram_hash(code.tokens[i:i + k]) for i in range(len(code.tokens) - k + 1)]


def winnow(hashes: list[int], window: int = WINDOW) -> set[int]:
    """MOSS's winnowing: the smallest hash of every window of `window` consecutive k-grams."""
    if len(hashes) <= window:
        return {min(hashes)} if hashes else set()
    return {min(hashes[start:start + window]) for start in range(len(hashes) - window + 1)}


# ---------------------------------------------------------------- notebooks

def read_notebook(path: Path) -> dict | None:
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    return notebook if isinstance(notebook, dict) and isinstance(notebook.get("cells"), list) else None


def cell_source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def code_cells(notebook: dict, solutions_only: bool) -> list[str]:
    cells = [c for c in notebook["cells"] if isinstance(c, dict) and c.get("cell_type") == "code"]
    if solutions_only:
        cells = [c for c in cells if (c.get("metadata", {}).get("nbgrader") or {}).get("solution")]
    return [cell_source(c) for c in cells]


def solution_code(notebooks: list[Path], release_sources: set[str]) -> Code:
    """One student's solution cells over their notebooks for the assignment, normalised."""
    cells, notes = [], []
    for path in notebooks:
        notebook = read_notebook(path)
        if notebook is None:
            notes.append(f"{path.name} is not a notebook")
            continue
        found = code_cells(notebook, solutions_only=True)
        if not found:  # metadata lost (an editor, or not repaired yet): every cell not in the release
            found = [s for s in code_cells(notebook, solutions_only=False) if s not in release_sources]
            notes.append(f"{path.name} has no solution-cell metadata: "
                         "compared every code cell not in the release")
        cells += found
    code = normalise(cells)
    code.notes = notes + code.notes
    return code


def assignment_notebooks(folder: Path, assignment: str) -> list[Path]:
    return sorted(folder.glob(f"{assignment}/*.ipynb")) if folder.is_dir() else []


# ---------------------------------------------------------------- the comparison

@dataclass
class Pair:
    a: str
    b: str
    score: float
    shared: int
    z: float = 0.0
    flagged: bool = False


@dataclass
class Result:
    assignment: str
    students: dict[str, Code]
    prints: dict[str, set[int]]  # remaining fingerprints
    counted: dict[str, set[int]]  # every k-gram hash that counts (for highlighting)
    pairs: list[Pair]
    median: float = 0.0
    scale: float = 0.0
    discounted: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def robust_z(scores: list[float]) -> tuple[float, float]:
    """Median and robust scale (1.4826 MAD, or 1.2533 mean absolute deviation when the MAD is 0)."""
    median = statistics.median(scores)
    deviations = [abs(s - median) for s in scores]
    scale = 1.4826 * statistics.median(deviations)
    if scale == 0:
        scale = 1.2533 * statistics.fmean(deviations)
    return median, scale


def compare(students: dict[str, Code], reference: Code, starter: Code, assignment: str = "",
            k: int = K, window: int = WINDOW, common: float = COMMON, z_limit: float = Z,
            min_score: float = MIN_SCORE, min_shared: int = MIN_SHARED) -> Result:
    grams = {name: kgrams(code, k) for name, code in students.items()}
    given = set(kgrams(reference, k)) | set(kgrams(starter, k))
    usage: dict[int, int] = {}
    for hashes in grams.values():
        for h in set(hashes):
            usage[h] = usage.get(h, 0) + 1
    crowd = max(3, common * len(students))
    everyone = {h for h, n in usage.items() if n >= crowd and h not in given}
    ignored = given | everyone
    counted = {name: set(hashes) - ignored for name, hashes in grams.items()}
    prints = {name: winnow(hashes, window) - ignored for name, hashes in grams.items()}
    pairs = []
    for a, b in combinations(sorted(students), 2):
        union = prints[a] | prints[b]
        shared = len(prints[a] & prints[b])
        pairs.append(Pair(a, b, shared / len(union) if union else 0.0, shared))
    result = Result(assignment, students, prints, counted, pairs,
                    discounted={"reference and release": len(given), "common in the class": len(everyone)})
    if len(pairs) >= 10:
        result.median, result.scale = robust_z([p.score for p in pairs])
    else:
        result.notes.append(f"only {len(pairs)} pair(s): too few for a class distribution, "
                            f"flagged on the score alone (at least {min_score})")
    for pair in pairs:
        if result.scale > 0:
            pair.z = (pair.score - result.median) / result.scale
        else:
            pair.z = float("inf") if pair.score > result.median else 0.0
        unusual = pair.z >= z_limit or len(pairs) < 10
        pair.flagged = unusual and pair.score >= min_score and pair.shared >= min_shared
    pairs.sort(key=lambda p: (-p.score, -p.shared, p.a, p.b))
    return result


def load_class(assignment: str, submitted: Path, course: Path
               ) -> tuple[dict[str, Code], Code, Code, list[str]]:
    """Students' code, the reference solution, the release's code, and notes on what was missing."""
    notes = []
    release = read_notebook(course / "release" / assignment / f"{assignment}.ipynb")
    source = read_notebook(course / "source" / assignment / f"{assignment}.ipynb")
    release_cells = code_cells(release, solutions_only=False) if release else []
    if release is None:
        notes.append(f"no release notebook for {assignment}: the starter code is not discounted")
    if source is None:
        notes.append(f"no source notebook for {assignment}: the reference solution is not discounted")
    starter = normalise(release_cells)
    reference = normalise(code_cells(source, solutions_only=True) if source else [])
    students = {}
    for folder in sorted(p for p in submitted.iterdir() if p.is_dir()) if submitted.is_dir() else []:
        notebooks = assignment_notebooks(folder, assignment)
        if notebooks:
            students[folder.name] = solution_code(notebooks, set(release_cells))
    return students, reference, starter, notes


# ---------------------------------------------------------------- the report

def match_regions(a: Code, b: Code, shared: set[int], k: int = K) -> tuple[dict, dict]:
    """{listing line: region numbers} for each side. A region is a run of consecutive k-grams of `a`
    that `b` also wrote (and that count); the same number marks the same code on both sides, so a
    block moved elsewhere in `b` is still found."""
    left: dict[int, set[int]] = {}
    region_of: dict[int, int] = {}
    region, previous = 0, -2
    for start, h in enumerate(kgrams(a, k)):
        if h not in shared:
            continue
        region += start != previous + 1
        previous = start
        region_of.setdefault(h, region)
        for tok in a.tokens[start:start + k]:
            left.setdefault(tok.line, set()).add(region)
    right: dict[int, set[int]] = {}
    for start, h in enumerate(kgrams(b, k)):
        if h in region_of:
            for tok in b.tokens[start:start + k]:
                right.setdefault(tok.line, set()).add(region_of[h])
    return left, right


def side(code: Code, marked: dict[int, set[int]]) -> str:
    rows = []
    for number, line in enumerate(code.listing):
        regions = marked.get(number)
        label = "▶ " + ",".join(map(str, sorted(regions))) if regions else ""
        text = html.escape(line) or " "
        text = f"<mark>{text}</mark>" if regions else text
        rows.append(f'<span class="no">{number + 1:>3}</span> <span class="flag">{label:<8}</span> {text}')
    return '<pre tabindex="0">' + "\n".join(rows) + "</pre>"  # focusable: it scrolls sideways


def pair_section(result: Result, pair: Pair, index: int) -> str:
    a, b = result.students[pair.a], result.students[pair.b]
    left, right = match_regions(a, b, result.counted[pair.a] & result.counted[pair.b])
    notes = "".join(f"<li>{html.escape(s)}: {html.escape(n)}</li>"
                    for s, code in ((pair.a, a), (pair.b, b)) for n in code.notes)
    return f"""
<section id="pair-{index}">
<h3>{html.escape(pair.a)} and {html.escape(pair.b)}: score {pair.score:.2f}</h3>
{f'<ul>{notes}</ul>' if notes else ''}
<table class="side">
<caption>Solution cells of {html.escape(pair.a)} (left) and {html.escape(pair.b)} (right). A line marked
"&#9654; n" holds code both wrote that is not in the reference solution, the release or common in the class;
the same number marks the same code on both sides ({len(left)} and {len(right)} lines).</caption>
<thead><tr><th scope="col">{html.escape(pair.a)}</th><th scope="col">{html.escape(pair.b)}</th></tr></thead>
<tbody><tr><td>{side(a, left)}</td><td>{side(b, right)}</td></tr></tbody>
</table>
</section>"""


def render(result: Result) -> str:
    flagged = [p for p in result.pairs if p.flagged]
    shown = flagged + [p for p in result.pairs if not p.flagged][:SHOWN]
    rows = "\n".join(
        f'<tr><th scope="row"><a href="#pair-{i}">{html.escape(p.a)} and {html.escape(p.b)}</a></th>'
        f"<td>{p.score:.2f}</td><td>{'∞' if p.z == float('inf') else f'{p.z:.1f}'}</td>"
        f"<td>{p.shared} of {len(result.prints[p.a])} and {len(result.prints[p.b])}</td>"
        f"<td>{'yes: read both' if p.flagged else 'no'}</td></tr>"
        for i, p in enumerate(shown, start=1))
    notes = result.notes + [f"{s}: {n}" for s, code in result.students.items() for n in code.notes]
    parse_notes = "".join(f"<li>{html.escape(n)}</li>" for n in notes)
    own = "".join(f"<tr><th scope=\"row\">{html.escape(s)}</th><td>{len(result.prints[s])}</td></tr>"
                  for s in sorted(result.students))
    title = f"Similarity of solutions: {html.escape(result.assignment)}"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 110rem; margin: 1rem auto; padding: 0 1rem; }}
table {{ border-collapse: collapse; margin: 1rem 0; }}
th, td {{ border: 1px solid #555; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }}
caption {{ text-align: left; font-weight: bold; padding: 0.25rem 0; }}
table.side {{ width: 100%; table-layout: fixed; }}
pre {{ font-size: 0.85rem; overflow-x: auto; margin: 0; }}
mark {{ background: #ffe08a; color: #000; font-weight: bold; }}
.no {{ color: #555; }}
</style></head><body>
<main>
<h1>{title}</h1>
<p><strong>A reason to look, never proof.</strong> A high score says that two students wrote the same
code beyond the reference solution, the release and what many classmates wrote. Read both notebooks, and
talk with the students before drawing any conclusion (docs/integrity.md).</p>
<p>{len(result.students)} students, {len(result.pairs)} pairs, {len(flagged)} flagged.
Score: the share of the two students' own fingerprints that they have in common (0 to 1).
Median score {result.median:.2f}, robust scale {result.scale:.3f}; a pair is flagged when its robust z is at
least {Z}, its score at least {MIN_SCORE} and it shares at least {MIN_SHARED} fingerprints.
Fingerprints discounted: {result.discounted.get('reference and release', 0)} k-grams of the reference solution
and the release, {result.discounted.get('common in the class', 0)} written by more than {COMMON:.0%} of the
class.</p>
{f'<h2>Notes</h2><ul>{parse_notes}</ul>' if parse_notes else ''}
<h2>Closest pairs</h2>
<table>
<caption>Pairs ranked by score: every flagged pair, then the {SHOWN} closest of the rest</caption>
<thead><tr><th scope="col">pair</th><th scope="col">score</th><th scope="col">robust z</th>
<th scope="col">shared of each one's own fingerprints</th><th scope="col">flagged</th></tr></thead>
<tbody>
{rows}
</tbody></table>
<h2>Side by side</h2>
{''.join(pair_section(result, p, i) for i, p in enumerate(shown, start=1))}
<h2>Own fingerprints per student</h2>
<table><caption>Fingerprints left after the discounts (few: close to the reference solution)</caption>
<thead><tr><th scope="col">student</th><th scope="col">own fingerprints</th></tr></thead>
<tbody>{own}</tbody></table>
</main></body></html>
"""


def summary(result: Result) -> str:
    flagged = [p for p in result.pairs if p.flagged]
    top = result.pairs[0]
    head = (f"{len(result.students)} students, {len(result.pairs)} pairs; median score {result.median:.2f}; "
            f"closest {top.a} and {top.b} at {top.score:.2f}")
    if not flagged:
        return head + "; no pair is unusually close"
    listed = ", ".join(f"{p.a}+{p.b} ({p.score:.2f})" for p in flagged)
    return head + f"; {len(flagged)} pair(s) to read: {listed}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("assignment")
    parser.add_argument("--course", type=Path, default=GRADING, help="the course folder (source/, release/)")
    parser.add_argument("--submitted", type=Path, help="default: COURSE/submitted")
    parser.add_argument("--out", type=Path, help="default: COURSE/downloaded/similarity/ASSIGNMENT.html")
    args = parser.parse_args(argv)
    submitted = args.submitted or args.course / "submitted"
    out = args.out or args.course / "downloaded" / "similarity" / f"{args.assignment}.html"
    if not any((args.course / part / args.assignment).is_dir() for part in ("source", "release")):
        known = sorted(p.name for p in (args.course / "release").glob("*") if p.is_dir())
        print(f"no assignment {args.assignment} in {args.course}; one of: {', '.join(known) or 'none'}")
        return 2
    students, reference, starter, notes = load_class(args.assignment, submitted, args.course)
    if len(students) < 2:
        print(f"{len(students)} submission(s) of {args.assignment} in {submitted}: nothing to compare")
        return 0
    result = compare(students, reference, starter, args.assignment)
    result.notes = notes + result.notes
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(render(result), encoding="utf-8")
    except OSError as error:
        print(f"cannot write {out}: {error.strerror or error}")
        return 1
    for note in notes:
        print(note)
    print(summary(result))
    print(f"report: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
