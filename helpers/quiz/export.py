"""The quiz for an LMS: Moodle XML and QTI 1.2 (Canvas) files of the conceptual questions and of K
pre-generated variants of every computed-question template.

    python -m helpers.quiz.export moodle --variants 5 --out quiz_moodle.xml     # secret: KERAS_QUIZ_SECRET
    python -m helpers.quiz.export qti --variants 5 --secret-file secret.txt --out quiz_canvas_qti.zip

One category (Moodle) or question bank (Canvas) per computed template, so the LMS's "random question
from a category / question group linked to a bank" gives each student one of the K variants; the 20
conceptual questions share one category/bank. After writing, the file is read back with a plain XML
parser and its questions and keys are compared with what was exported (`read_moodle`, `read_qti`).

Scoring. The conceptual questions are exported with checkboxes ("one or more correct", as in the course's
notebooks), each correct option worth +1/n of the question and each wrong option -1/n, where n is the
number of correct options: the LMS adds the fractions of the ticked options and clamps the sum at 0,
which is the course's `net` rule exactly. The computed questions have exactly one correct option
(radio buttons, 100 / 0), or with --open a typed number (within the bank's tolerance) or shape. The
course's `all_or_nothing` rule has no per-option form; see docs/quiz.md.

The variants depend on the course secret (KERAS_QUIZ_SECRET, --secret-file or --secret): without it nobody can
regenerate which variants the LMS holds. There is no default secret.
"""

from __future__ import annotations

import argparse
import html
import os
import re
import sys
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from helpers.quiz import bank  # Keras is imported only when a variant is drawn
from helpers.quiz.computed import SECRET_ENV  # one course secret for the graded quiz and the LMS files
from helpers.quiz.engine import LETTERS, Quiz, load_quiz

COURSE_CATEGORY = "Keras 3 Layers"
CONCEPTUAL_CATEGORY = "Conceptual quiz"
VARIANT_PREFIX = "lms-variant-"  # the "student ids" the K variants are drawn for
MAX_DRAWS_PER_VARIANT = 10  # a template with few distinct variants gets this many tries per wanted one
QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
CP_NS = "http://www.imsglobal.org/xsd/imscp_v1p1"
CANVAS_TYPES = {False: "multiple_choice_question", True: "multiple_answers_question"}


# ---------------------------------------------------------------------------------------------
# What is exported: LMS-neutral items
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    html: str
    fraction: Fraction  # of the question's mark: 1 = full, negative = deducted when ticked
    feedback: str = ""  # HTML


@dataclass(frozen=True)
class OpenAnswer:
    """A typed answer instead of options: a number within a tolerance, or one of a few texts."""
    kind: str  # "numerical" or "shortanswer"
    texts: tuple[str, ...]  # accepted answers (numerical: the one number)
    tolerance: float = 0.0


@dataclass(frozen=True)
class Item:
    ident: str  # unique in the export; Moodle's idnumber, QTI's item ident
    category: tuple[str, ...]  # below COURSE_CATEGORY
    name: str
    html: str
    multiple: bool  # checkboxes (any number may be ticked) rather than radio buttons
    choices: tuple[Choice, ...]  # empty for an open question
    answer: OpenAnswer | None = None

    @property
    def correct(self) -> frozenset[int]:
        return frozenset(i for i, choice in enumerate(self.choices) if choice.fraction > 0)


class ExportError(ValueError):
    """A problem the instructor can fix (no secret, a bad K, a file that fails its read-back)."""


def inline_html(text: str) -> str:
    """Escaped text with the course's `backtick` spans as <code>."""
    parts = text.split("`")
    if len(parts) % 2 == 0:  # an unmatched backtick: show it as it is
        return html.escape(text)
    return "".join(html.escape(p) if i % 2 == 0 else f"<code>{html.escape(p)}</code>"
                   for i, p in enumerate(parts))


def code_html(code: str) -> str:
    return f"<pre><code>{html.escape(code)}</code></pre>" if code else ""


def net_fractions(correct: Iterable[bool]) -> list[Fraction]:
    """Per-option fractions whose clamped sum is the course's net rule: +1/n right, -1/n wrong."""
    flags = list(correct)
    n = sum(flags)
    return [Fraction(1 if flag else -1, n) for flag in flags]


def conceptual_items(quiz: Quiz) -> list[Item]:
    items = []
    for question in quiz.questions:
        fractions = net_fractions(option.correct for option in question.options)
        items.append(Item(
            ident=f"concept-q{question.id:02d}",
            category=(CONCEPTUAL_CATEGORY,),
            name=f"Q{question.id:02d}",
            html=f"<p>{inline_html(question.prompt)}</p>{code_html(question.code)}"
                 "<p>One or more options are correct.</p>",
            multiple=True,
            choices=tuple(Choice(inline_html(option.text), fraction, inline_html(option.explanation))
                          for option, fraction in zip(question.options, fractions, strict=True)),
        ))
    return items


def option_html(variant, text: str) -> str:
    return f"<code>{html.escape(text)}</code>" if variant.kind in ("call", "shape") else html.escape(text)


def open_answer(variant) -> OpenAnswer | None:
    """The bank's open form of a variant: a number (with the tolerance its decimals allow) or a shape
    as text, written with and without spaces; None for a which-call-fails question."""
    form = variant.lms_answer()
    if form is None:
        return None
    if form["type"] == "numerical":
        return OpenAnswer("numerical", (variant.answer_text,), form["tolerance"])
    texts = dict.fromkeys([form["text"], form["text"].replace(" ", "")])
    return OpenAnswer("shortanswer", tuple(texts))


def variant_item(variant, number: int, open_form: bool = False) -> Item:
    section = f"{variant.section} {variant.section_title}"
    answer = open_answer(variant) if open_form else None
    return Item(
        ident=f"{variant.template_id}-{variant.student_id}",
        category=(section, variant.template_id),
        name=f"{variant.template_id} #{number}",
        html=f"<p>{html.escape(variant.text)}</p>{code_html(variant.code)}",
        multiple=False,
        choices=() if answer else tuple(
            Choice(option_html(variant, text), Fraction(int(i == variant.correct)))
            for i, text in enumerate(variant.options)),
        answer=answer,
    )


def distinct_variants(template_id: str, secret: str, k: int) -> list:
    """K variants of one template that differ in what the student reads (fewer if the template has
    fewer: the caller reports it)."""
    seen, found = set(), []
    for n in range(1, MAX_DRAWS_PER_VARIANT * k + 1):
        variant = bank.draw(template_id, secret, f"{VARIANT_PREFIX}{n}")
        shown = (variant.text, variant.code, frozenset(variant.options))
        if shown not in seen:
            seen.add(shown)
            found.append(variant)
            if len(found) == k:
                break
    return found


def computed_items(secret: str, k: int, template_ids: Iterable[str] | None = None,
                   warn=print, open_form: bool = False) -> list[Item]:
    ids = list(template_ids) if template_ids is not None else [t.id for t in bank.templates()]
    items = []
    for template_id in ids:
        variants = distinct_variants(template_id, secret, k)
        if len(variants) < k:
            warn(f"note: {template_id} has only {len(variants)} distinct variants; exported those")
        items += [variant_item(v, n, open_form) for n, v in enumerate(variants, 1)]
    return items


# ---------------------------------------------------------------------------------------------
# Moodle XML
# ---------------------------------------------------------------------------------------------


def category_path(category: tuple[str, ...]) -> str:
    # Moodle splits a category path at "/" and reads "//" as a literal slash.
    return "/".join(["$course$", COURSE_CATEGORY, *(c.replace("/", "//") for c in category)])


def percent(fraction: Fraction) -> str:
    """Moodle's fraction attribute: a percentage with up to 5 decimals (33.33333, -50, 100)."""
    return f"{float(fraction) * 100:.5f}".rstrip("0").rstrip(".")


def _text(parent: ET.Element, tag: str, text: str, fmt: str | None = "html") -> ET.Element:
    element = ET.SubElement(parent, tag, {"format": fmt} if fmt else {})
    ET.SubElement(element, "text").text = text
    return element


def moodle_xml(items: list[Item]) -> ET.ElementTree:
    quiz = ET.Element("quiz")
    current = None
    for item in items:
        if item.category != current:
            current = item.category
            category = ET.SubElement(quiz, "question", {"type": "category"})
            _text(category, "category", category_path(current), fmt=None)
        kind = item.answer.kind if item.answer else "multichoice"
        question = ET.SubElement(quiz, "question", {"type": kind})
        _text(question, "name", item.name, fmt=None)
        _text(question, "questiontext", item.html)
        _text(question, "generalfeedback", "")
        ET.SubElement(question, "defaultgrade").text = "1"
        ET.SubElement(question, "penalty").text = "0"
        ET.SubElement(question, "hidden").text = "0"
        ET.SubElement(question, "idnumber").text = item.ident
        if item.answer:
            moodle_open_answer(question, item.answer)
            continue
        ET.SubElement(question, "single").text = "false" if item.multiple else "true"
        ET.SubElement(question, "shuffleanswers").text = "true"
        ET.SubElement(question, "answernumbering").text = "ABCD"
        for choice in item.choices:
            fraction = percent(choice.fraction)
            answer = ET.SubElement(question, "answer", {"fraction": fraction, "format": "html"})
            ET.SubElement(answer, "text").text = choice.html
            _text(answer, "feedback", choice.feedback)
    ET.indent(quiz)
    return ET.ElementTree(quiz)


def moodle_open_answer(question: ET.Element, answer: OpenAnswer) -> None:
    if answer.kind == "shortanswer":
        ET.SubElement(question, "usecase").text = "0"
    for text in answer.texts:
        element = ET.SubElement(question, "answer", {"fraction": "100", "format": "moodle_auto_format"})
        ET.SubElement(element, "text").text = text
        _text(element, "feedback", "")
        if answer.kind == "numerical":
            ET.SubElement(element, "tolerance").text = repr(answer.tolerance)
    if answer.kind == "numerical":  # no units
        ET.SubElement(question, "unitgradingtype").text = "0"
        ET.SubElement(question, "showunits").text = "3"


@dataclass(frozen=True)
class ReadQuestion:
    """A question as read back from a file: enough to compare with the bank and the key."""
    ident: str
    category: str
    multiple: bool
    choices: tuple[tuple[str, float], ...]  # (HTML or accepted answer, fraction of the mark)
    kind: str = "choice"  # or "numerical", "shortanswer"
    tolerance: float = 0.0


def _need(element: ET.Element, path: str, where: str) -> ET.Element:
    found = element.find(path)
    if found is None:
        raise ExportError(f"{where}: no <{path}>")
    return found


def read_moodle(path: Path) -> list[ReadQuestion]:
    """Parse a Moodle XML file the way Moodle's importer reads it: each question belongs to the
    category set by the last <question type="category"> before it."""
    root = ET.parse(path).getroot()
    if root.tag != "quiz":
        raise ExportError(f"{path}: the root element is <{root.tag}>, not <quiz>")
    category, read = None, []
    for question in root.findall("question"):
        kind = question.get("type")
        if kind == "category":
            category = _need(question, "category/text", "a category").text
            continue
        ident = _need(question, "idnumber", "a question").text
        if kind not in ("multichoice", "numerical", "shortanswer") or category is None:
            raise ExportError(f"{ident}: type {kind!r} in category {category!r}")
        if kind != "multichoice":
            answers = question.findall("answer")
            tolerance = float(answers[0].findtext("tolerance") or 0) if answers else 0.0
            accepted = tuple((a.findtext("text") or "", float(a.get("fraction")) / 100) for a in answers)
            read.append(ReadQuestion(ident, category, False, accepted, kind, tolerance))
            continue
        single = _need(question, "single", ident).text
        if single not in ("true", "false") or _need(question, "shuffleanswers", ident).text != "true":
            raise ExportError(f"{ident}: <single> must be true/false and answers shuffled")
        choices = tuple((_need(answer, "text", ident).text or "", float(answer.get("fraction")) / 100)
                        for answer in question.findall("answer"))
        read.append(ReadQuestion(ident, category, single == "false", choices))
    return read


# ---------------------------------------------------------------------------------------------
# QTI 1.2 for Canvas: one <objectbank> per question bank, in an IMS content package
# ---------------------------------------------------------------------------------------------


# Written with plain tag names under a default xmlns (no prefixes, as in Canvas's own QTI files); read
# back namespace-aware, so a file without the QTI namespace does not read.
def _q(tag: str) -> str:
    return f"{{{QTI_NS}}}{tag}"


def _metadata(parent: ET.Element, fields: dict[str, str]) -> None:
    block = ET.SubElement(parent, "qtimetadata")
    for label, entry in fields.items():
        field = ET.SubElement(block, "qtimetadatafield")
        ET.SubElement(field, "fieldlabel").text = label
        ET.SubElement(field, "fieldentry").text = entry


def _mattext(parent: ET.Element, text: str) -> None:
    material = ET.SubElement(parent, "material")
    ET.SubElement(material, "mattext", {"texttype": "text/html"}).text = text


CANVAS_OPEN_TYPES = {"numerical": "numerical_question", "shortanswer": "short_answer_question"}


def qti_open_item(item: Item) -> ET.Element:
    """Canvas's numerical question (the number, or within the tolerance) and short answer question
    (any of the accepted texts)."""
    answer = item.answer
    element = ET.Element("item", {"ident": item.ident, "title": item.name})
    _metadata(ET.SubElement(element, "itemmetadata"), {
        "question_type": CANVAS_OPEN_TYPES[answer.kind], "points_possible": "1.0"})
    presentation = ET.SubElement(element, "presentation")
    _mattext(presentation, item.html)
    response = ET.SubElement(presentation, "response_str", {"ident": "response1", "rcardinality": "Single"})
    fib = ET.SubElement(response, "render_fib", {"fibtype": "Decimal"} if answer.kind == "numerical" else {})
    ET.SubElement(fib, "response_label", {"ident": "answer1", "rshuffle": "No"})
    processing = ET.SubElement(element, "resprocessing")
    outcomes = ET.SubElement(processing, "outcomes")
    ET.SubElement(outcomes, "decvar", {"maxvalue": "100", "minvalue": "0", "varname": "SCORE",
                                       "vartype": "Decimal"})
    condition = ET.SubElement(processing, "respcondition", {"continue": "No"})
    test = ET.SubElement(condition, "conditionvar")
    if answer.kind == "numerical":
        value = float(answer.texts[0])
        either = ET.SubElement(test, "or")
        ET.SubElement(either, "varequal", {"respident": "response1"}).text = answer.texts[0]
        both = ET.SubElement(either, "and")
        ET.SubElement(both, "vargte", {"respident": "response1"}).text = repr(value - answer.tolerance)
        ET.SubElement(both, "varlte", {"respident": "response1"}).text = repr(value + answer.tolerance)
    else:
        for text in answer.texts:
            ET.SubElement(test, "varequal", {"respident": "response1"}).text = text
    ET.SubElement(condition, "setvar", {"action": "Set", "varname": "SCORE"}).text = "100"
    return element


def qti_item(item: Item) -> ET.Element:
    if item.answer:
        return qti_open_item(item)
    element = ET.Element("item", {"ident": item.ident, "title": item.name})
    labels = [f"{item.ident}-{letter}" for letter in LETTERS[: len(item.choices)]]
    _metadata(ET.SubElement(element, "itemmetadata"), {
        "question_type": CANVAS_TYPES[item.multiple],
        "points_possible": "1.0",
        "original_answer_ids": ",".join(labels),
    })
    presentation = ET.SubElement(element, "presentation")
    _mattext(presentation, item.html)
    response = ET.SubElement(presentation, "response_lid", {
        "ident": "response1", "rcardinality": "Multiple" if item.multiple else "Single"})
    render = ET.SubElement(response, "render_choice", {"shuffle": "Yes"})
    for label, choice in zip(labels, item.choices, strict=True):
        _mattext(ET.SubElement(render, "response_label", {"ident": label}), choice.html)
    processing = ET.SubElement(element, "resprocessing")
    outcomes = ET.SubElement(processing, "outcomes")
    ET.SubElement(outcomes, "decvar", {"maxvalue": "100", "minvalue": "0", "varname": "SCORE",
                                       "vartype": "Decimal"})
    condition = ET.SubElement(processing, "respcondition", {"continue": "No"})
    test = ET.SubElement(condition, "conditionvar")
    if item.multiple:  # Canvas reads the correct set from this: every correct label and no other
        test = ET.SubElement(test, "and")
    for i, label in enumerate(labels):
        if i in item.correct:
            ET.SubElement(test, "varequal", {"respident": "response1"}).text = label
        elif item.multiple:
            ET.SubElement(ET.SubElement(test, "not"), "varequal", {"respident": "response1"}).text = label
    ET.SubElement(condition, "setvar", {"action": "Set", "varname": "SCORE"}).text = "100"
    return element


def bank_ident(category: tuple[str, ...]) -> str:
    return "bank-" + re.sub(r"[^A-Za-z0-9_-]+", "-", category[-1]).strip("-").lower()


def bank_title(category: tuple[str, ...]) -> str:
    return " / ".join([COURSE_CATEGORY, *category])


def qti_banks(items: list[Item]) -> dict[str, ET.Element]:
    """File name in the package -> <questestinterop> holding one <objectbank>."""
    grouped: dict[tuple[str, ...], list[Item]] = {}
    for item in items:
        grouped.setdefault(item.category, []).append(item)
    files = {}
    for category, members in grouped.items():
        root = ET.Element("questestinterop", {"xmlns": QTI_NS})
        objectbank = ET.SubElement(root, "objectbank", {"ident": bank_ident(category)})
        _metadata(objectbank, {"bank_title": bank_title(category)})
        objectbank.extend(qti_item(item) for item in members)
        ET.indent(root)
        files[f"banks/{bank_ident(category)}.xml"] = root
    return files


def qti_manifest(files: Iterable[str]) -> ET.Element:
    manifest = ET.Element("manifest", {"xmlns": CP_NS, "identifier": "keras3-layers-quiz-banks"})
    metadata = ET.SubElement(manifest, "metadata")
    ET.SubElement(metadata, "schema").text = "IMS Content"
    ET.SubElement(metadata, "schemaversion").text = "1.1.3"
    ET.SubElement(manifest, "organizations")
    resources = ET.SubElement(manifest, "resources")
    for name in files:
        resource = ET.SubElement(resources, "resource", {
            "identifier": Path(name).stem, "type": "imsqti_xmlv1p2", "href": name})
        ET.SubElement(resource, "file", {"href": name})
    ET.indent(manifest)
    return manifest


def _xml_bytes(root: ET.Element) -> bytes:
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True)


def write_qti(items: list[Item], out: Path) -> None:
    banks = qti_banks(items)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("imsmanifest.xml", _xml_bytes(qti_manifest(banks)))
        for name, root in banks.items():
            package.writestr(name, _xml_bytes(root))


QTI_ITEM_ORDER = ("itemmetadata", "presentation", "resprocessing")  # the QTI 1.2.1 DTD's order


def _qti_structure(item: ET.Element, where: str) -> None:
    """What the IMS QTI 1.2.1 ASI schema requires of the parts used here (no package ships that XSD,
    so this checks it by hand): children in schema order, a choice response with unique labels, a
    SCORE outcome, and conditions that name existing labels only."""
    order = [child.tag.removeprefix(f"{{{QTI_NS}}}") for child in item]
    if order != list(QTI_ITEM_ORDER):
        raise ExportError(f"{where}: children {order}, expected {list(QTI_ITEM_ORDER)}")
    if item.find(f".//{_q('mattext')}") is None:
        raise ExportError(f"{where}: no question text")
    if item.find(f".//{_q('response_str')}") is not None:  # a typed answer: one blank, some condition
        if len(list(item.iter(_q("response_label")))) != 1 or item.find(f".//{_q('varequal')}") is None:
            raise ExportError(f"{where}: an open question needs one response label and an accepted answer")
        if item.find(f"{_q('resprocessing')}/{_q('outcomes')}/{_q('decvar')}[@varname='SCORE']") is None:
            raise ExportError(f"{where}: no SCORE outcome")
        return
    labels = [label.get("ident") for label in item.iter(_q("response_label"))]
    if len(labels) < 2 or len(set(labels)) != len(labels) or None in labels:
        raise ExportError(f"{where}: response labels {labels} must be at least two, unique, with idents")
    if item.find(f"{_q('resprocessing')}/{_q('outcomes')}/{_q('decvar')}[@varname='SCORE']") is None:
        raise ExportError(f"{where}: no SCORE outcome")
    named = [v.text for v in item.iter(_q("varequal"))]
    if not named or set(named) - set(labels):
        raise ExportError(f"{where}: conditions name {named}, labels are {labels}")


def _qti_fields(element: ET.Element) -> dict[str, str]:
    return {f.findtext(_q("fieldlabel")): f.findtext(_q("fieldentry"))
            for f in element.iter(_q("qtimetadatafield"))}


def read_qti(path: Path) -> list[ReadQuestion]:
    """Open the package, check its manifest and structure, and read every item's correct set."""
    with zipfile.ZipFile(path) as package:
        names = set(package.namelist())
        manifest = ET.fromstring(package.read("imsmanifest.xml"))
        listed = [f.get("href") for f in manifest.iter(f"{{{CP_NS}}}file")]
        if not listed or set(listed) - names:
            raise ExportError(f"{path}: the manifest lists {sorted(set(listed) - names)} not in the package")
        read = []
        for name in listed:
            root = ET.fromstring(package.read(name))
            objectbank = root.find(_q("objectbank"))
            if root.tag != _q("questestinterop") or objectbank is None:
                raise ExportError(f"{name}: not a <questestinterop> with an <objectbank>")
            title = _qti_fields(objectbank.find(_q("qtimetadata"))).get("bank_title")
            for item in objectbank.findall(_q("item")):
                ident = item.get("ident")
                _qti_structure(item, ident)
                kind = _qti_fields(item.find(_q("itemmetadata"))).get("question_type")
                if kind in CANVAS_OPEN_TYPES.values():
                    read.append(read_qti_open(item, title, kind))
                    continue
                multiple = kind == CANVAS_TYPES[True]
                cardinality = item.find(f".//{_q('response_lid')}").get("rcardinality")
                if kind not in CANVAS_TYPES.values() or cardinality != ("Multiple" if multiple else "Single"):
                    raise ExportError(f"{ident}: question_type {kind!r} with rcardinality {cardinality!r}")
                test = item.find(f"{_q('resprocessing')}/{_q('respcondition')}/{_q('conditionvar')}")
                if multiple:
                    test = test.find(_q("and"))
                correct = {v.text for v in test.findall(_q("varequal"))}  # direct children: not the <not>s
                choices = tuple((label.findtext(f"{_q('material')}/{_q('mattext')}") or "",
                                 1.0 if label.get("ident") in correct else 0.0)
                                for label in item.iter(_q("response_label")))
                read.append(ReadQuestion(ident, title, multiple, choices))
    return read


def read_qti_open(item: ET.Element, title: str, kind: str) -> ReadQuestion:
    test = item.find(f"{_q('resprocessing')}/{_q('respcondition')}/{_q('conditionvar')}")
    tolerance = 0.0
    if kind == CANVAS_OPEN_TYPES["numerical"]:
        test = test.find(_q("or"))
        low, high = (float(test.findtext(f"{_q('and')}/{_q(tag)}")) for tag in ("vargte", "varlte"))
        tolerance = (high - low) / 2
    texts = tuple((v.text or "", 1.0) for v in test.findall(_q("varequal")))
    short = {v: k for k, v in CANVAS_OPEN_TYPES.items()}[kind]
    return ReadQuestion(item.get("ident"), title, False, texts, short, tolerance)


# ---------------------------------------------------------------------------------------------
# Checking a written file against what was exported
# ---------------------------------------------------------------------------------------------


def expected(items: list[Item], backend: str) -> list[ReadQuestion]:
    """What reading back must give. Canvas's QTI holds only the correct set (Canvas applies its own
    partial credit), so there a choice reads 1 if correct and 0 otherwise."""
    out = []
    for item in items:
        if item.answer:
            category = category_path(item.category) if backend == "moodle" else bank_title(item.category)
            out.append(ReadQuestion(item.ident, category, False, tuple((t, 1.0) for t in item.answer.texts),
                                    item.answer.kind, item.answer.tolerance))
            continue
        if backend == "moodle":
            category = category_path(item.category)
            choices = tuple((c.html, float(c.fraction)) for c in item.choices)
        else:
            category = bank_title(item.category)
            choices = tuple((c.html, float(c.fraction > 0)) for c in item.choices)
        out.append(ReadQuestion(item.ident, category, item.multiple, choices))
    return out


def same_questions(read: list[ReadQuestion], wanted: list[ReadQuestion]) -> list[str]:
    """Differences between a file's questions and the export (empty: counts, texts and keys match)."""
    problems = []
    if len(read) != len(wanted):
        problems.append(f"{len(read)} questions read back, {len(wanted)} exported")
    by_ident = {q.ident: q for q in read}
    for want in wanted:
        got = by_ident.get(want.ident)
        if got is None:
            problems.append(f"{want.ident}: missing")
            continue
        if (got.category, got.multiple, got.kind) != (want.category, want.multiple, want.kind):
            problems.append(f"{want.ident}: category/type {got.category!r}/{got.multiple}/{got.kind} "
                            f"instead of {want.category!r}/{want.multiple}/{want.kind}")
        if abs(got.tolerance - want.tolerance) > 1e-9:
            problems.append(f"{want.ident}: tolerance {got.tolerance} instead of {want.tolerance}")
        pairs = zip(got.choices, want.choices, strict=False)
        if len(got.choices) != len(want.choices) or any(
                g[0] != w[0] or abs(g[1] - w[1]) > 1e-6 for g, w in pairs):
            problems.append(f"{want.ident}: options or fractions differ")
    return problems


READERS = {"moodle": read_moodle, "qti": read_qti}


def write(backend: str, items: list[Item], out: Path) -> list[ReadQuestion]:
    """Write to a temporary file beside `out`, read it back, compare, and only then move it into place."""
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=out.parent, prefix=".export-", suffix=out.suffix)
    os.close(handle)
    temporary = Path(temporary)
    try:
        if backend == "moodle":
            moodle_xml(items).write(temporary, encoding="UTF-8", xml_declaration=True)
        else:
            write_qti(items, temporary)
        read = READERS[backend](temporary)
        problems = same_questions(read, expected(items, backend))
        if problems:
            raise ExportError(f"the written file does not read back as exported: {'; '.join(problems[:5])}")
        temporary.replace(out)
        return read
    finally:
        temporary.unlink(missing_ok=True)


# ---------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------


def course_secret(args) -> str:
    if args.secret_file:
        try:
            secret = Path(args.secret_file).read_text(encoding="utf-8").strip()
        except OSError as error:
            raise ExportError(f"cannot read the secret file: {error.strerror}: {args.secret_file}") from None
    else:
        secret = (args.secret or os.environ.get(SECRET_ENV, "")).strip()
    if not secret:
        raise ExportError(f"no course secret: set {SECRET_ENV}, or give --secret-file FILE (or --secret S)")
    return secret


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.quiz.export",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("lms", choices=sorted(READERS),
                        help="moodle: Moodle XML; qti: QTI 1.2 zip for Canvas")
    parser.add_argument("--variants", "-k", type=int, default=5, help="variants per computed template [5]")
    parser.add_argument("--out", required=True, help="the file to write (.xml for moodle, .zip for qti)")
    parser.add_argument("--secret", help=f"the course secret (better: the {SECRET_ENV} variable or "
                                         "--secret-file, which stay out of the shell history)")
    parser.add_argument("--secret-file", help="a file holding the course secret")
    parser.add_argument("--open", action="store_true",
                        help="computed questions with a number or shape as answer are typed in (Moodle "
                             "numerical/short answer, Canvas numerical/short answer), not picked")
    parser.add_argument("--conceptual-only", action="store_true", help="only the 20 conceptual questions")
    parser.add_argument("--force", action="store_true", help="replace an existing output file")
    args = parser.parse_args(argv)
    try:
        out = Path(args.out)
        if out.exists() and not args.force:
            raise ExportError(f"{out} exists; give --force to replace it")
        if not 1 <= args.variants <= 200:
            raise ExportError(f"--variants must be between 1 and 200, got {args.variants}")
        quiz = load_quiz()
        items = conceptual_items(quiz)
        if not args.conceptual_only:
            items += computed_items(course_secret(args), args.variants, open_form=args.open,
                                    warn=lambda line: print(line, file=sys.stderr))
        if quiz.rule != "net":
            print(f"note: the course rule is {quiz.rule!r}; the LMS files carry the 'net' fractions "
                  "(docs/quiz.md, 'The quiz in Moodle or Canvas')", file=sys.stderr)
        read = write(args.lms, items, out)
    except (ExportError, OSError, ValueError, RuntimeError) as error:  # RuntimeError: a broken template
        print(f"export: {error}", file=sys.stderr)
        return 2
    categories = len({q.category for q in read})
    groups = "categories" if args.lms == "moodle" else "question banks"
    print(f"wrote {out}: {len(read)} questions in {categories} {groups}; read back: questions and keys match")
    return 0


if __name__ == "__main__":
    sys.exit(main())
