# The 20-question quiz: practice notebook, graded nbgrader source, batch grading of LMS files, item analysis.
# Release, collect, autograde and export of the graded quiz are the course's nbgrader targets with
# ASSIGNMENT=quiz (mk/grading.mk); see docs/quiz.md for the whole workflow.

QUIZ_GRADES  = $(or $(GRADES_CSV),grading/grades.csv)  # where `make grades` exports
QUIZ_CHECK  ?= build/quiz_answer_cells.csv
QUIZ_REPORT ?= build/quiz_report

.PHONY: quiz-practice quiz-source quiz-grade-lms quiz-crosscheck quiz-report quiz-export quiz-test

quiz-practice: $(STAMP)  ## open the practice quiz in JupyterLab (student view, as `make lab`)
	JUPYTER_CONFIG_PATH=$(STUDENT_VIEW) $(BIN)/jupyter lab --ServerApp.root_dir=. quiz/practice.ipynb --port=$(PORT) $(ALLOW_ROOT)

quiz-source: $(STAMP)  ## regenerate grading/source/quiz/quiz.ipynb from helpers/quiz/questions.json (then: make release ASSIGNMENT=quiz)
	$(BIN)/python -m helpers.quiz.assignment build

quiz-grade-lms: $(STAMP)  ## grade LMS answer files: make quiz-grade-lms DIR=answers OUT=grades.csv [RULE=all_or_nothing] [FORCE=1] [PARTIAL=1]
	@test -n "$(DIR)" -a -n "$(OUT)" || { echo "usage: make quiz-grade-lms DIR=<folder> OUT=<file.csv>"; exit 2; }
	$(BIN)/python -m helpers.quiz.batch "$(DIR)" --out "$(OUT)" $(if $(RULE),--rule $(RULE)) \
		$(if $(FORCE),--force) $(if $(PARTIAL),--allow-partial)

quiz-crosscheck: $(STAMP)  ## re-grade grading/submitted from the answer cells alone, compare with the nbgrader export
	@mkdir -p $(dir $(QUIZ_CHECK))
	$(BIN)/python -m helpers.quiz.batch grading/submitted --nbgrader --out $(QUIZ_CHECK) --force \
		--compare $(QUIZ_GRADES)

quiz-report: $(STAMP)  ## item analysis -> build/quiz_report/: make quiz-report [MOODLE=responses.csv | FILES=answers] [ALLOW_PARTIAL=1]
	$(BIN)/python -m helpers.quiz.report \
		$(if $(MOODLE),--moodle "$(MOODLE)",$(if $(FILES),--files "$(FILES)",--nbgrader grading/submitted)) \
		--out "$(QUIZ_REPORT)" $(if $(ALLOW_PARTIAL),--allow-partial)

quiz-export: $(STAMP)  ## the quiz for an LMS: make quiz-export LMS=moodle|qti OUT=<file> [K=5] [OPEN=1] [SECRET_FILE=<file>] [FORCE=1]; secret: KERAS_QUIZ_SECRET
	@test -n "$(LMS)" -a -n "$(OUT)" || { echo "usage: make quiz-export LMS=moodle|qti OUT=<file> [K=5] [OPEN=1] [SECRET_FILE=<file>] [FORCE=1]"; exit 2; }
	$(BIN)/python -m helpers.quiz.export "$(LMS)" --variants $(or $(K),5) --out "$(OUT)" $(if $(OPEN),--open) \
		$(if $(SECRET_FILE),--secret-file "$(SECRET_FILE)") $(if $(FORCE),--force)

quiz-test: $(STAMP)  ## run only the quiz tests
	$(BIN)/python -m pytest tests/test_quiz.py tests/test_quiz_grade.py tests/test_quiz_nbgrader.py \
		tests/test_item_analysis.py tests/test_quiz_export.py
