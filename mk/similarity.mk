# make similarity ASSIGNMENT=<name> [SUBMITTED=<folder>] [OUT=<file.html>]: pairs of students whose
# solution cells are unusually close, beyond the reference solution and what the class shares
# (grading/similarity.py; how to read it: docs/integrity.md). A reason to look, never proof.
# Default report: $(COURSE_DIR)/downloaded/similarity/<assignment>.html (instructor-only, not committed).

.PHONY: similarity

similarity: $(STAMP)  ## similarity report of ASSIGNMENT's solution cells (SUBMITTED=, OUT=): a reason to look, never proof
	@test -n "$(ASSIGNMENT)" || { echo "set ASSIGNMENT=<name>, e.g. make similarity ASSIGNMENT=ex3_state_and_losses"; exit 2; }
	$(BIN)/python grading/similarity.py "$(ASSIGNMENT)" --course "$(COURSE_DIR)" \
	  $(if $(SUBMITTED),--submitted "$(SUBMITTED)") $(if $(OUT),--out "$(OUT)")
