"""The course quiz, one package.

    engine.py      question data (questions.json + key.json), answer parsing, the one scoring rule,
                   the practice session; its public names are re-exported here (`helpers.quiz.X`)
    widget.py      the practice quiz as ipywidgets (imported on its own: it needs ipywidgets)
    computed.py    computed questions of the graded quiz (per student, regraded at autograde), practice draws
    computed_widget.py  the practice notebook's computed questions with a New variant button
    assignment.py  the graded nbgrader source notebook   python -m helpers.quiz.assignment build|check
    batch.py       batch grading of answer files          python -m helpers.quiz.batch DIR --out CSV
    questions.json what every student may read: prompts, code, option texts, the scoring rule
    key.json       the answers: correct flags, explanations, Keras 2 answers, Keras 3 notes; the
                   classroom's student build leaves this one file out
"""

from helpers.quiz.engine import (
    DEFAULT_RULE,
    KEY_FILE,
    KEY_OPTION_FIELDS,
    KEY_QUESTION_FIELDS,
    LETTERS,
    QUESTION_COUNT,
    QUESTIONS_FILE,
    RULE_DESCRIPTIONS,
    RULES,
    VERDICTS,
    AnswerFormatError,
    Option,
    OptionFeedback,
    Question,
    QuestionResult,
    Quiz,
    QuizDataError,
    QuizSession,
    answer_report,
    answer_variable,
    autograde,
    check_rule,
    feedback_text,
    format_choice,
    load_data,
    load_quiz,
    merge_data,
    merge_problems,
    parse_choice,
    practise_in_text,
    question_ids,
    quiz_from_data,
    quiz_problems,
    read_json,
    reject_duplicate_keys,
    report_answers,
    score_fraction,
    score_question,
    split_data,
)

__all__ = [
    "DEFAULT_RULE", "KEY_FILE", "KEY_OPTION_FIELDS", "KEY_QUESTION_FIELDS", "LETTERS", "QUESTION_COUNT",
    "QUESTIONS_FILE", "RULE_DESCRIPTIONS", "RULES", "VERDICTS", "AnswerFormatError", "Option",
    "OptionFeedback", "Question", "QuestionResult", "Quiz", "QuizDataError", "QuizSession", "answer_report",
    "answer_variable", "autograde", "check_rule", "feedback_text", "format_choice", "load_data", "load_quiz",
    "merge_data", "merge_problems", "parse_choice", "practise_in_text", "question_ids", "quiz_from_data",
    "quiz_problems", "read_json", "reject_duplicate_keys", "report_answers", "score_fraction",
    "score_question", "split_data",
]
