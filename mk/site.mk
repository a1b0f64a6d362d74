# The course website (docs/site.md): Sphinx + myst-nb + sphinx-book-theme, built offline from the
# notebooks the test run executed (test-artifacts/executed); run `make test` first for outputs.
SITE_PORT ?= 8000

.PHONY: site site-serve

site: $(STAMP)  ## build the course website into build/site/html (from the test run's executed notebooks)
	$(BIN)/python tools/website.py build

site-serve:  ## serve build/site/html on http://127.0.0.1:$(SITE_PORT) (build it first with `make site`)
	@test -f build/site/html/index.html || { echo "no site yet: run \`make site\` first"; exit 2; }
	@echo "serving the course at http://127.0.0.1:$(SITE_PORT)/ (Ctrl-C stops)"
	$(BIN)/python -m http.server $(SITE_PORT) --bind 127.0.0.1 --directory build/site/html
