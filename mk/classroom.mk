# The classroom: JupyterHub with real Unix accounts, nbgrader's exchange, a student build without the
# key (docs/classroom.md). Run as root. Settings (defaults in brackets):
#   ROSTER=<csv>            username,role,password [classroom/roster.example.csv]
#   CLASSROOM_PREFIX=<dir>  student environment, student build, students' Jupyter config [/opt/keras-course]
#   CLASSROOM_EXCHANGE=<d>  nbgrader's exchange, root-owned 1777 [/srv/nbgrader/exchange]
#   CLASSROOM_PORT=<n>      the hub on 127.0.0.1 [8000]

# Not `ROSTER ?=`: a default ROSTER would also reach `make roster` (mk/grading.mk), which expects
# nbgrader's id,first_name,last_name,email and would import this username,role,password file.
HUB_ROSTER          = $(or $(ROSTER),classroom/roster.example.csv)
CLASSROOM_PREFIX   ?= /opt/keras-course
CLASSROOM_EXCHANGE ?= /srv/nbgrader/exchange
CLASSROOM_PORT     ?= 8000
CLASSROOM_BUILD    ?= build/student-course
INSTRUCTOR_VIEW     = $(abspath classroom/views/instructor)
CLASSROOM_ENV       = CLASSROOM_PREFIX=$(CLASSROOM_PREFIX) CLASSROOM_EXCHANGE=$(CLASSROOM_EXCHANGE) \
                      CLASSROOM_PORT=$(CLASSROOM_PORT) CLASSROOM_ROSTER=$(abspath $(HUB_ROSTER))
CLASSROOM_INSTRUCTOR = $(shell awk -F, '$$2=="instructor"{print $$1; exit}' $(HUB_ROSTER))

.PHONY: instructor classroom classroom-install classroom-accounts classroom-student-build \
        classroom-release-quiz-key classroom-remove-accounts classroom-test classroom-measure \
        classroom-student-wheel

instructor: $(STAMP)  ## JupyterLab with every nbgrader tool (Formgrader, Create Assignment) on COURSE_DIR
	$(IN_COURSE) JUPYTER_CONFIG_PATH=$(INSTRUCTOR_VIEW) jupyter lab --port=$(PORT) $(ALLOW_ROOT)

classroom-student-build: $(STAMP)  ## write the student build (no solutions, hidden tests or quiz key) to build/student-course
	$(BIN)/python classroom/student_build.py build $(CLASSROOM_BUILD)

classroom-install: $(STAMP)  ## (root) proxy + JupyterHub, student environment in CLASSROOM_PREFIX, exchange
	bash classroom/ci-install.sh
	$(BIN)/python classroom/install.py --prefix $(CLASSROOM_PREFIX) --exchange $(CLASSROOM_EXCHANGE)

classroom-accounts: $(STAMP)  ## (root) create ROSTER's accounts (DRY_RUN=1: only show) and the instructor's course folder
	$(BIN)/python classroom/roster.py $(HUB_ROSTER) $(if $(DRY_RUN),--dry-run,--passwords $(CLASSROOM_PREFIX)/hub/passwords.csv)
	$(if $(DRY_RUN),,$(if $(CLASSROOM_INSTRUCTOR),$(BIN)/python classroom/install.py --only-course-folder --instructor $(CLASSROOM_INSTRUCTOR)))

classroom: classroom-install classroom-accounts  ## (root) start the hub on 127.0.0.1:CLASSROOM_PORT; Ctrl-C stops it and every server
	@echo "classroom: http://127.0.0.1:$(CLASSROOM_PORT)/  logins (username,role):"
	@tail -n +2 $(HUB_ROSTER) | cut -d, -f1,2 | sed 's/^/  /'
	@test ! -s $(CLASSROOM_PREFIX)/hub/passwords.csv || echo "  new accounts' passwords: $(CLASSROOM_PREFIX)/hub/passwords.csv (root only)"
	$(CLASSROOM_ENV) $(BIN)/jupyterhub -f classroom/jupyterhub_config.py

classroom-release-quiz-key: $(STAMP)  ## (root) after the graded quiz closes: open the practice quiz's answers to students
	$(BIN)/python classroom/student_build.py release-key $(CLASSROOM_PREFIX)/course

classroom-remove-accounts: $(STAMP)  ## (root) delete ROSTER's accounts and their homes
	$(BIN)/python classroom/roster.py $(HUB_ROSTER) --remove

classroom-test: $(STAMP)  ## the classroom tests (views, student build, roster, wheel, hub in Chromium)
	$(BIN)/python -m pytest tests/test_classroom.py tests/test_self_study_view.py tests/test_student_wheel.py \
		tests/test_classroom_hub.py

classroom-student-wheel: $(STAMP)  ## the key-free helpers as a wheel (build/student-wheel) for a hub run by IT
	$(BIN)/python classroom/student_build.py wheel build/student-wheel

classroom-measure: $(STAMP)  ## (root) the hub test plus memory of a student server running notebook 01 (docs/classroom.md)
	CLASSROOM_MEASURE=1 $(BIN)/python -m pytest tests/test_classroom_hub.py
