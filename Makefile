# ShopOffice: `make run` serves the app, `make test` runs every test. Both install what is missing.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app app
CATALOGS := $(patsubst %.po,%.mo,$(wildcard translations/*/LC_MESSAGES/messages.po))

.PHONY: run test test-fast bench system-deps translations

run: $(VENV)/.installed $(CATALOGS)
	$(FLASK) migrate
	$(FLASK) seed-demo --if-empty
	scripts/serve

test: system-deps $(VENV)/.installed $(CATALOGS)
	scripts/test

# Unit and web tests on SQLite only, for the edit-test loop: ~1 min on two cores.
# One pytest-xdist worker per core (OFFICE_TEST_WORKERS=0 runs them in this process).
test-fast: $(VENV)/.installed $(CATALOGS)
	$(VENV)/bin/pytest -q -m "not e2e" -n "$${OFFICE_TEST_WORKERS:-auto}" --dist loadfile

bench: system-deps $(VENV)/.installed $(CATALOGS)
	scripts/bench

system-deps:
	scripts/install-system-deps

# Re-extract messages after changing visible strings, then translate the new entries in the .po.
translations: $(VENV)/.installed
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --omit-header -o translations/messages.pot .
	$(VENV)/bin/pybabel update -i translations/messages.pot -d translations -D messages --no-fuzzy-matching

$(VENV)/.installed: requirements.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check -r requirements.txt
	touch $@

%.mo: %.po $(VENV)/.installed
	$(VENV)/bin/pybabel -q compile -i $< -o $@
