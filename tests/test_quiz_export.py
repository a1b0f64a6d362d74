"""helpers.quiz.export: the Moodle XML file and the QTI package hold the 20 conceptual questions with the
course's key and K variants of every computed template with the bank's answers.

The files are written once by the CLI (K = 3) and read here with ElementTree alone, not with the
module's own readers; the expected questions come from `bank.draw` (re-drawn for the "student" named in
each question's id) and from the conceptual key (`load_quiz`). The Moodle fractions are also checked by
scoring every possible set of ticks the way Moodle does (sum of the ticked fractions, clamped to
[0, 100 %]) against the course's own `score_question`.
"""

from __future__ import annotations

import html
import itertools
import re
import time
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from helpers.quiz import LETTERS, bank, load_quiz, score_question
from helpers.quiz import export as ex
from helpers.sections import section

SECRET = "course secret for the export tests"
K = 3
COURSE = "$course$/Keras 3 Layers"
QTI = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"
CP = "{http://www.imsglobal.org/xsd/imscp_v1p1}"


def export_both(out: Path, record_time, *options: str) -> dict[str, Path]:
    paths = {"moodle": out / "quiz.xml", "qti": out / "quiz.zip"}
    for lms, path in paths.items():
        start = time.perf_counter()
        assert ex.main([lms, "--variants", str(K), "--secret", SECRET, "--out", str(path), *options]) == 0
        record_time("quiz export", f"{lms}, K={K} {' '.join(options)}", time.perf_counter() - start)
    return paths


@pytest.fixture(scope="module")
def files(tmp_path_factory, record_time):
    return export_both(tmp_path_factory.mktemp("export"), record_time)


@pytest.fixture(scope="module")
def open_files(tmp_path_factory, record_time):
    return export_both(tmp_path_factory.mktemp("export_open"), record_time, "--open")


def plain(markup: str) -> str:
    """The text a student sees in an option's HTML."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup or ""))


def redraw(ident: str):
    """The bank's variant behind an exported question id '<template>-<student>'."""
    template_id, student = ident.split("-", 1)
    return bank.draw(template_id, SECRET, student)


def moodle_course_score(fractions: list[float], picks: set[int]) -> float:
    """How Moodle grades a multichoice question: the ticked fractions added, clamped to [0, 1]."""
    return min(1.0, max(0.0, sum(fractions[i] for i in picks) / 100))


def test_moodle_xml_has_the_key_and_one_category_of_k_variants_per_template(files):
    root = ET.parse(files["moodle"]).getroot()
    assert root.tag == "quiz"
    by_category: dict[str, list[ET.Element]] = {}
    category = None
    for question in root.findall("question"):
        if question.get("type") == "category":
            category = question.findtext("category/text")
        else:
            by_category.setdefault(category, []).append(question)

    # The conceptual quiz: 20 checkbox questions whose ticks score as the course's rule does.
    quiz = load_quiz()
    conceptual = by_category.pop(f"{COURSE}/Conceptual quiz")
    assert [q.findtext("idnumber") for q in conceptual] == [f"concept-q{i:02d}" for i in quiz.ids]
    for question, xml_question in zip(quiz.questions, conceptual, strict=True):
        assert xml_question.findtext("single") == "false"
        assert xml_question.findtext("shuffleanswers") == "true"
        answers = xml_question.findall("answer")
        assert [plain(a.findtext("text")) for a in answers] == [
            plain(o.text.replace("`", "")) for o in question.options]
        fractions = [float(a.get("fraction")) for a in answers]
        assert sum(f for f in fractions if f > 0) == pytest.approx(100, abs=1e-3)
        for size in range(5):
            for picks in itertools.combinations(range(4), size):
                letters = {LETTERS[i] for i in picks}
                assert moodle_course_score(fractions, set(picks)) == pytest.approx(
                    score_question(letters, question.correct), abs=1e-6), (question.id, letters)

    # Every template: its own category under its section, K distinct variants, the bank's key.
    templates = bank.templates()
    assert len(by_category) == len(templates)
    for template in templates:
        path = f"{COURSE}/{template.section} {section(template.section)['title']}/{template.id}"
        questions = by_category[path]
        assert len(questions) == K, path
        texts = set()
        for question in questions:
            variant = redraw(question.findtext("idnumber"))
            assert variant.template_id == template.id
            assert question.findtext("single") == "true"
            shown = plain(question.findtext("questiontext/text"))
            assert variant.text in shown and variant.code in shown
            answers = {plain(a.findtext("text")): float(a.get("fraction"))
                       for a in question.findall("answer")}
            texts.add((shown, frozenset(answers)))
            assert answers == {variant.answer_text: 100.0, **dict.fromkeys(variant.distractors, 0.0)}
        assert len(texts) == K, f"{template.id}: variants repeat"


def test_qti_package_has_one_bank_per_template_with_the_key(files):
    with zipfile.ZipFile(files["qti"]) as package:
        manifest = ET.fromstring(package.read("imsmanifest.xml"))
        hrefs = [f.get("href") for f in manifest.iter(f"{CP}file")]
        assert sorted(hrefs) == sorted(n for n in package.namelist() if n != "imsmanifest.xml")
        banks = {}
        for href in hrefs:
            objectbank = ET.fromstring(package.read(href)).find(f"{QTI}objectbank")
            fields = {f.findtext(f"{QTI}fieldlabel"): f.findtext(f"{QTI}fieldentry")
                      for f in objectbank.find(f"{QTI}qtimetadata").iter(f"{QTI}qtimetadatafield")}
            banks[fields["bank_title"]] = objectbank.findall(f"{QTI}item")

    def read(item):
        fields = {f.findtext(f"{QTI}fieldlabel"): f.findtext(f"{QTI}fieldentry")
                  for f in item.iter(f"{QTI}qtimetadatafield")}
        labels = {label.get("ident"): plain(label.findtext(f"{QTI}material/{QTI}mattext"))
                  for label in item.iter(f"{QTI}response_label")}
        test = item.find(f"{QTI}resprocessing/{QTI}respcondition/{QTI}conditionvar")
        test = test.find(f"{QTI}and") if test.find(f"{QTI}and") is not None else test
        correct = {v.text for v in test.findall(f"{QTI}varequal")}
        wrong = {v.text for v in test.findall(f"{QTI}not/{QTI}varequal")}
        return fields["question_type"], labels, correct, wrong

    quiz = load_quiz()
    conceptual = banks.pop("Keras 3 Layers / Conceptual quiz")
    assert len(conceptual) == len(quiz.questions)
    for question, item in zip(quiz.questions, conceptual, strict=True):
        kind, labels, correct, wrong = read(item)
        assert kind == "multiple_answers_question"
        assert {labels[c] for c in correct} == {plain(question.option(x).text.replace("`", ""))
                                                for x in question.correct}
        assert correct | wrong == set(labels) and not correct & wrong

    templates = bank.templates()
    assert len(banks) == len(templates)
    for template in templates:
        title = f"{template.section} {section(template.section)['title']}"
        items = banks[f"Keras 3 Layers / {title} / {template.id}"]
        assert len(items) == K
        for item in items:
            variant = redraw(item.get("ident"))
            kind, labels, correct, wrong = read(item)
            assert kind == "multiple_choice_question" and not wrong
            assert [labels[c] for c in correct] == [variant.answer_text]
            assert sorted(labels.values()) == sorted([variant.answer_text, *variant.distractors])


# The module's own read-back (run by the CLI before it keeps a file) catches a damaged file.
OPEN_ITEMS = [  # one of each typed-in kind, made by hand (no drawing needed)
    ex.Item("v-num", ("01 S", "t_num"), "t #1", "<p>?</p>", False, (),
            ex.OpenAnswer("numerical", ("1.5",), 0.05)),
    ex.Item("v-shape", ("01 S", "t_shape"), "t #1", "<p>?</p>", False, (),
            ex.OpenAnswer("shortanswer", ("(None, 3)", "(None,3)"))),
]


def damaged(tmp_path: Path, lms: str, damage) -> list[str]:
    items = ex.conceptual_items(load_quiz()) + OPEN_ITEMS
    path = tmp_path / ("q.xml" if lms == "moodle" else "q.zip")
    if lms == "moodle":
        tree = ex.moodle_xml(items)
        damage(tree.getroot())
        tree.write(path, encoding="UTF-8")
    else:
        banks = ex.qti_banks(items)
        for root in banks.values():
            damage(root)
        with zipfile.ZipFile(path, "w") as package:
            package.writestr("imsmanifest.xml", ex._xml_bytes(ex.qti_manifest(banks)))
            for name, root in banks.items():
                package.writestr(name, ex._xml_bytes(root))
    try:
        read = ex.READERS[lms](path)
    except ex.ExportError as error:
        return [str(error)]
    return ex.same_questions(read, ex.expected(items, lms))


def test_read_back_accepts_an_intact_file_and_catches_damage(tmp_path):
    assert damaged(tmp_path, "moodle", lambda root: None) == []
    assert damaged(tmp_path, "qti", lambda root: None) == []

    def wrong_fraction(root):
        root.find("question[@type='multichoice']/answer").set("fraction", "100")

    def no_category(root):
        root.remove(root.find("question[@type='category']"))

    def swapped_key(root):
        condition = next(root.iter("varequal"))
        condition.text = condition.text[:-1] + ("D" if condition.text[-1] != "D" else "C")

    def no_score_outcome(root):
        next(root.iter("decvar")).set("varname", "POINTS")

    def wider_range(root):
        for bound in root.iter("varlte"):
            bound.text = "1.6"

    def tolerance_doubled(root):
        for tolerance in root.iter("tolerance"):
            tolerance.text = "0.1"

    def shape_dropped(root):
        for question in root.findall("question[@type='shortanswer']"):
            question.remove(question.find("answer"))

    assert any("fractions differ" in p for p in damaged(tmp_path, "moodle", wrong_fraction))
    assert damaged(tmp_path, "moodle", no_category) != []
    assert damaged(tmp_path, "qti", swapped_key) != []
    assert any("SCORE" in p for p in damaged(tmp_path, "qti", no_score_outcome))
    assert any("v-num: tolerance" in p for p in damaged(tmp_path, "qti", wider_range))
    assert any("v-num: tolerance" in p for p in damaged(tmp_path, "moodle", tolerance_doubled))
    assert any("v-shape" in p for p in damaged(tmp_path, "moodle", shape_dropped))


def test_cli_needs_a_secret_and_never_replaces_a_file_unasked(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv(ex.SECRET_ENV, raising=False)
    out = tmp_path / "quiz.xml"
    assert ex.main(["moodle", "--out", str(out)]) == 2
    assert "no course secret" in capsys.readouterr().err and not out.exists()
    assert ex.main(["qti", "--conceptual-only", "--out", str(out)]) == 0
    assert ex.main(["moodle", "--conceptual-only", "--out", str(out)]) == 2
    assert "exists" in capsys.readouterr().err
    assert zipfile.is_zipfile(out)  # still the first file
    assert ex.main(["moodle", "--variants", "0", "--secret", "s", "--out", str(tmp_path / "x.xml")]) == 2
    assert "--variants" in capsys.readouterr().err


def shape_text(shape) -> str:
    return "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def stated_tolerance(variant) -> float:
    """Half a unit in the last decimal the question asks for (0 for an integer answer)."""
    if variant.kind == "int":
        return 0.0
    decimals = re.search(r"(\d+) decimal places", variant.text)
    assert decimals, f"{variant.template_id}: a value question that does not say how many decimals"
    return 0.5 * 10.0 ** -int(decimals.group(1))


def test_open_form_asks_for_the_number_or_the_shape(open_files):
    moodle_type = {"int": "numerical", "float": "numerical", "shape": "shortanswer", "call": "multichoice"}
    expected = Counter(moodle_type[t.kind] for t in bank.templates() for _ in range(K))

    moodle = Counter()
    for question in ET.parse(open_files["moodle"]).getroot().findall("question"):
        ident, kind = question.findtext("idnumber"), question.get("type")
        if kind == "category" or ident.startswith("concept-"):
            continue
        moodle[kind] += 1
        variant = redraw(ident)
        answers = question.findall("answer")
        if kind == "numerical":
            (answer,) = answers
            assert float(answer.findtext("text")) == variant.answer, ident
            assert float(answer.findtext("tolerance")) == pytest.approx(stated_tolerance(variant), rel=1e-9)
        elif kind == "shortanswer":
            assert shape_text(variant.answer) in {a.findtext("text") for a in answers}, ident
            assert {a.get("fraction") for a in answers} == {"100"}
    assert moodle == expected

    canvas = Counter()
    with zipfile.ZipFile(open_files["qti"]) as package:
        for name in package.namelist():
            for item in ET.fromstring(package.read(name)).iter(f"{QTI}item"):
                if item.get("ident").startswith("concept-"):
                    continue
                kind = next(f.findtext(f"{QTI}fieldentry") for f in item.iter(f"{QTI}qtimetadatafield")
                            if f.findtext(f"{QTI}fieldlabel") == "question_type")
                canvas[kind] += 1
                variant = redraw(item.get("ident"))
                test = item.find(f"{QTI}resprocessing/{QTI}respcondition/{QTI}conditionvar")
                if kind == "numerical_question":
                    low = float(test.findtext(f"{QTI}or/{QTI}and/{QTI}vargte"))
                    high = float(test.findtext(f"{QTI}or/{QTI}and/{QTI}varlte"))
                    assert low <= variant.answer <= high
                    assert (high - low) / 2 == pytest.approx(stated_tolerance(variant), abs=1e-12)
                elif kind == "short_answer_question":
                    assert shape_text(variant.answer) in {v.text for v in test.findall(f"{QTI}varequal")}
    assert canvas == Counter({{"numerical": "numerical_question", "shortanswer": "short_answer_question",
                               "multichoice": "multiple_choice_question"}[k]: n for k, n in expected.items()})
