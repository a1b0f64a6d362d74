# Item analysis of the graded quiz (docs/quiz.md, "Item analysis"): facility, discrimination, option picks
# by group, flags, the score histogram and KR-20, from nbgrader's submissions (the default), a folder of
# answer files, or Moodle's quiz Responses report downloaded as CSV.

QUIZ_REPORT ?= build/quiz_report

.PHONY: quiz-report

quiz-report: $(STAMP)  ## item analysis -> build/quiz_report/: make quiz-report [MOODLE=responses.csv | FILES=answers] [ALLOW_PARTIAL=1]
	$(BIN)/python -m helpers.quiz_report \
		$(if $(MOODLE),--moodle "$(MOODLE)",$(if $(FILES),--files "$(FILES)",--nbgrader grading/submitted)) \
		--out "$(QUIZ_REPORT)" $(if $(ALLOW_PARTIAL),--allow-partial)
