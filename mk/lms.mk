# Canvas and Moodle: the identifier map, grades and feedback in each LMS's import format (docs/lms.md).
#   IDS=<csv>        the identifier map hub_name,lms_id,email,display_name [classroom/ids.csv when it exists]
#   LMS=canvas|moodle which LMS (zip-collect: how its download names files [canvas])
#   OUT=<file>       where the import file goes [grading/for_lms/grades_<LMS>.csv, grading/for_lms/feedback_<ASSIGNMENT>.zip]
#   TITLES=<csv>     assignment,title: an assignment's column title in the LMS gradebook [the nbgrader name]
#   ALLOW_UNMATCHED=1 zip-collect: exit 0 although some uploads belong to no student (they are still listed)
# zip-collect itself is in mk/grading.mk; it reads IDS and LMS as defined here.

IDS    ?= $(wildcard classroom/ids.csv)
LMS_PY := $(abspath grading/lms.py)

.PHONY: lms-ids-check lms-roster lms-grades lms-feedback lms-test

define need_ids
	@test -n "$(IDS)" || { echo "set IDS=<identifier map: hub_name,lms_id,email,display_name> (docs/lms.md)"; exit 2; }
endef

define need_lms
	@case "$(LMS)" in canvas|moodle) ;; *) echo "set LMS=canvas or LMS=moodle"; exit 2;; esac
endef

lms-ids-check: $(STAMP)  ## validate the identifier map IDS=<csv> (one line per problem)
	$(need_ids)
	$(BIN)/python $(LMS_PY) check-ids "$(IDS)"

lms-roster: $(STAMP)  ## import the students of IDS=<csv> into the gradebook (nbgrader ids = hub names)
	$(need_ids)
	$(BIN)/python $(LMS_PY) roster "$(IDS)" "$(abspath $(COURSE_DIR))/roster_from_ids.csv"
	$(IN_COURSE) nbgrader db student import roster_from_ids.csv

lms-grades: $(STAMP)  ## the gradebook import file for LMS=canvas|moodle from `make grades` (exercises and quiz)
	$(need_lms)
	$(need_ids)
	$(MAKE) --no-print-directory grades
	$(BIN)/python $(LMS_PY) grades --lms $(LMS) --ids "$(IDS)" --grades "$(GRADES_CSV)" \
	  --out "$(or $(OUT),$(COURSE_DIR)/for_lms/grades_$(LMS).csv)" $(if $(TITLES),--titles "$(TITLES)")

lms-feedback: $(STAMP)  ## Moodle's feedback-files zip for ASSIGNMENT (after zip-collect LMS=moodle and feedback)
	$(need_assignment)
	@test "$(LMS)" = moodle || { echo "LMS=moodle only: Canvas has no bulk feedback-file upload (docs/lms.md)"; exit 2; }
	$(BIN)/python $(LMS_PY) feedback $(ASSIGNMENT) --lms moodle --course "$(COURSE_DIR)" \
	  --out "$(or $(OUT),$(COURSE_DIR)/for_lms/feedback_$(ASSIGNMENT).zip)"

lms-test: $(STAMP)  ## the LMS tests (identifier map, both downloads, both gradebooks, the feedback zip)
	$(BIN)/python -m pytest tests/test_lms.py
