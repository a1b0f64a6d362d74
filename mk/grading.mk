# Instructor workflow for the nbgrader course in grading/ (docs/grading.md has the full story).
#
#   ASSIGNMENT=<name>   one assignment (a folder of grading/source); without it, targets run over all
#   LMS_DIR=<folder>    zip-collect: the LMS download (replaces the previous one; default: already in place)
#   ROSTER=<file.csv>   roster: nbgrader's student CSV (id,first_name,last_name,email)
#   DUE=, UNTIL=        due/extension: "YYYY-MM-DD HH:MM", read in TZ=<IANA zone> (default UTC)
#   STUDENT=<id>        extension: the student
#   LATE=include        collect: also take submissions past the student's due date (default: listed only)
#   GRADES_CSV=<file>   grades: where the CSV goes (default grading/grades.csv)
#   FORCE=1             autograde/feedback: redo submissions that were already processed
#   JOBS=<n>            autograde: parallel nbgrader processes (default: the core count)
#   GRADING_SANDBOX=off autograde: run student kernels without bubblewrap (docs/grading.md)
#   COURSE_DIR=<folder> the course folder nbgrader works in (default grading; the tests use a copy)
#   NBGRADER_EXCHANGE, NBGRADER_CELL_TIMEOUT, NBGRADER_LMS_REGEX: see grading/nbgrader_config.py

COURSE_DIR  ?= grading
COURSE_PY   := grading/course.py
ABS_BIN     := $(abspath $(BIN))
# nbgrader reads grading/nbgrader_config.py from the working directory (and only logs it when that
# file fails to load, then carries on with its defaults: so check first); creating a gradebook runs
# `alembic`, which must come from the venv.
IN_COURSE    = $(BIN)/python $(COURSE_PY) check-config $(COURSE_DIR) && cd $(COURSE_DIR) && export PATH="$(ABS_BIN):$$PATH" &&
ASSIGNMENTS  = $(if $(ASSIGNMENT),$(ASSIGNMENT),$(sort $(notdir $(patsubst %/,%,$(dir $(wildcard $(COURSE_DIR)/source/*/*.ipynb))))))
# nbgrader's converters accept a glob: one process handles every assignment (no per-call start-up).
ASSIGNMENT_GLOB = $(if $(ASSIGNMENT),$(ASSIGNMENT),*)
GRADES_CSV  ?= $(COURSE_DIR)/grades.csv
FORCE_FLAG   = $(if $(FORCE),--force,)
POLICIES     = $(ABS_BIN)/python $(abspath grading/policies.py)
# Only a TZ given on the command line: the environment's TZ is often a POSIX rule or :/etc/localtime.
TZ_FLAG      = --tz "$(if $(filter command line,$(origin TZ)),$(TZ),UTC)"

.PHONY: grading-source release check-release release-exchange roster collect zip-collect autograde \
        feedback release-feedback grades grade-all audit formgrader grading-test due extension

define need_assignment
	@test -n "$(ASSIGNMENT)" || { echo "set ASSIGNMENT=<name>; one of: $(ASSIGNMENTS)"; exit 2; }
endef

grading-source: $(STAMP)  ## regenerate grading/source/*/*.ipynb from grading/source_text/*.py
	$(BIN)/python $(COURSE_PY) build

release: grading-source  ## generate the student version of ASSIGNMENT (default all) into grading/release
	$(IN_COURSE) nbgrader generate_assignment "$(ASSIGNMENT_GLOB)" --force

check-release: $(STAMP)  ## fail if a source notebook or the committed release is stale
	$(BIN)/python $(COURSE_PY) check

release-exchange: release  ## publish ASSIGNMENT (default all) to the exchange for JupyterHub students
	$(IN_COURSE) for a in $(ASSIGNMENTS); do nbgrader release_assignment $$a --force || exit 1; done

roster: $(STAMP)  ## import students from ROSTER=<csv> into the gradebook
	@test -n "$(ROSTER)" || { echo "make roster ROSTER=<file.csv> with the columns id,first_name,last_name,email (docs/grading.md)"; exit 2; }
	@$(BIN)/python grading/policies.py check-roster "$(ROSTER)"
	$(IN_COURSE) nbgrader db student import "$(abspath $(ROSTER))"

due: $(STAMP)  ## set ASSIGNMENT's due date: DUE="YYYY-MM-DD HH:MM" [TZ=Europe/Berlin; default UTC]
	$(need_assignment)
	@test -n "$(DUE)" || { echo "set DUE=\"YYYY-MM-DD HH:MM\" (TZ=<zone>, default UTC)"; exit 2; }
	@$(IN_COURSE) $(POLICIES) due "$(ASSIGNMENT)" "$(DUE)" $(TZ_FLAG)

extension: $(STAMP)  ## give STUDENT until UNTIL="YYYY-MM-DD HH:MM" [TZ=] for ASSIGNMENT
	$(need_assignment)
	@test -n "$(STUDENT)" -a -n "$(UNTIL)" || { echo "set STUDENT=<id> and UNTIL=\"YYYY-MM-DD HH:MM\" (TZ=<zone>, default UTC)"; exit 2; }
	@$(IN_COURSE) $(POLICIES) extension "$(ASSIGNMENT)" "$(STUDENT)" "$(UNTIL)" $(TZ_FLAG)

# grading/policies.py collect: nbgrader's `collect --before-duedate`, then each student's own due date
# (extensions) decides; late submissions are listed (and written to late_<assignment>.csv beside
# grades.csv), taken only with LATE=include. Without a due date: the newest submission, as before.
collect: $(STAMP)  ## collect ASSIGNMENT (default all) from the exchange: on-time submissions, late ones listed (LATE=include takes them)
	$(IN_COURSE) for a in $(ASSIGNMENTS); do $(POLICIES) collect $$a --late $(or $(LATE),report) \
	  --report "$(abspath $(dir $(GRADES_CSV)))/late_$$a.csv" || exit 1; done

zip-collect: $(STAMP)  ## collect ASSIGNMENT from LMS downloads (LMS_DIR=<folder>, LMS=canvas|moodle, IDS=<map>; mk/lms.mk)
	$(need_assignment)
	@if [ -n "$(LMS_DIR)" ]; then \
	  rm -rf $(COURSE_DIR)/downloaded/$(ASSIGNMENT)/archive && \
	  mkdir -p $(COURSE_DIR)/downloaded/$(ASSIGNMENT)/archive && \
	  cp -R "$(LMS_DIR)"/. $(COURSE_DIR)/downloaded/$(ASSIGNMENT)/archive/; fi
	$(IN_COURSE) $(ABS_BIN)/python $(LMS_PY) zip-collect $(ASSIGNMENT) --lms $(or $(LMS),canvas) \
	  $(if $(IDS),--ids "$(abspath $(IDS))") $(if $(ALLOW_UNMATCHED),--allow-unmatched)

# Autograde needs the assignments in the gradebook, which `release` (generate_assignment) puts
# there; the gradebook is not committed, so a fresh clone would otherwise fail here.
# grading/intake.py: checks the sandbox (GRADING_SANDBOX=off to grade without), repairs the submitted
# notebooks' metadata, runs the nbgrader command after `--` in JOBS processes (each a share of the
# students), prints the report (CSV beside grades.csv).
autograde: release  ## grade the submissions of ASSIGNMENT (default all) in JOBS processes; FORCE=1 regrades
	$(IN_COURSE) $(ABS_BIN)/python $(abspath grading/intake.py) autograde --jobs $(JOBS) \
	  --report "$(abspath $(dir $(GRADES_CSV)))/autograde_report.csv" -- nbgrader autograde "$(ASSIGNMENT_GLOB)" $(FORCE_FLAG)

feedback: $(STAMP)  ## write HTML feedback per student into grading/feedback (no hidden test code)
	$(IN_COURSE) nbgrader generate_feedback "$(ASSIGNMENT_GLOB)" $(FORCE_FLAG)

release-feedback: $(STAMP)  ## hand the feedback back through the exchange
	$(IN_COURSE) for a in $(ASSIGNMENTS); do nbgrader release_feedback $$a || exit 1; done

grades: $(STAMP)  ## export every score to GRADES_CSV (default grading/grades.csv)
	$(IN_COURSE) nbgrader export --to "$(abspath $(GRADES_CSV))"
	@echo "wrote $(GRADES_CSV)"

grade-all: $(STAMP)  ## autograde, feedback and grades in one go (keeps going past a failed submission)
	-$(MAKE) --no-print-directory autograde
	$(MAKE) --no-print-directory feedback grades

audit: $(STAMP)  ## list submissions of ASSIGNMENT whose code touches the grading machinery
	$(need_assignment)
	$(BIN)/python $(COURSE_PY) audit $(ASSIGNMENT) $(COURSE_DIR)/submitted

formgrader: instructor  ## the same as `make instructor`: JupyterLab on the course folder, instructor view

grading-test: $(STAMP)  ## end-to-end grading tests; prints the grading time per submission
	$(BIN)/python -m pytest tests/test_grading_e2e.py tests/test_grading_release.py
