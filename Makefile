# The two commands a newcomer needs: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
DB ?= data/nvcrp.duckdb

.PHONY: run test bench demo lint system clean-db

# Runtime and test dependencies, reinstalled only when a requirements file changes.
$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# Debian's Chromium renders chart images (kaleido) and drives browser tests (Playwright);
# poppler's pdftotext reads exported PDFs in tests; LibreOffice Writer renders the ministerial
# note (Word) to PDF in its tests (libswlo.so is Writer itself: soffice alone cannot open a
# .docx); Impress (libsdlo.so) renders the briefing deck the same way. Installed only when missing and we are root.
# PostgreSQL's server programs run the private servers the shared-store tests start
# (store/local_postgres.py); nginx is the reverse proxy the deployment tests put in front of two
# dashboard processes. While they install, policy-rc.d answers 101 so neither package starts its
# own service (nginx would take port 80, PostgreSQL 5432); on a machine with systemd both stay
# enabled for the next boot ('systemctl disable nginx postgresql' if that is not wanted).
system:
	@if [ ! -x /usr/bin/chromium ] || ! command -v pdftotext >/dev/null || [ ! -e /usr/lib/libreoffice/program/libswlo.so ] || [ ! -e /usr/lib/libreoffice/program/libsdlo.so ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils libreoffice-writer-nogui libreoffice-impress-nogui fonts-liberation2 >/dev/null; \
	  else \
	    echo "Please install Debian's chromium, poppler-utils and libreoffice-writer-nogui libreoffice-impress-nogui fonts-liberation2 (sudo apt-get install chromium poppler-utils libreoffice-writer-nogui libreoffice-impress-nogui fonts-liberation2)"; exit 1; \
	  fi; \
	fi
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || [ ! -x /usr/sbin/nginx ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    made=; if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && made=1; fi; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql nginx >/dev/null; status=$$?; \
	    if [ -n "$$made" ]; then rm -f /usr/sbin/policy-rc.d; fi; exit $$status; \
	  else \
	    echo "Please install Debian's postgresql and nginx (sudo apt-get install postgresql nginx)"; exit 1; \
	  fi; \
	fi

# axe-core, which the browser tests inject to measure every page against WCAG 2.2 A and AA;
# the version is pinned in package.json and package-lock.json, installed from the npm registry
# here so a test run never downloads anything.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# Builds the illustrative demo database through the real loaders, the first time only.
$(DB): | $(VENV)/.installed
	NVCRP_DB=$(DB) $(PY) -m loaders demo --db $(DB)

demo: $(VENV)/.installed
	rm -f $(DB) $(DB).wal
	NVCRP_DB=$(DB) $(PY) -m loaders demo --db $(DB)

run: $(VENV)/.installed $(DB)
	NVCRP_DB=$(DB) $(PY) -m store users bootstrap
	# serve.py: the dashboard behind the app's security headers and download guard (ui/http_guards.py).
	NVCRP_DB=$(DB) $(VENV)/bin/streamlit run serve.py --server.port $(PORT)

test: $(VENV)/.installed system node_modules/.installed
	$(PY) -m pytest

bench: $(VENV)/.installed system
	$(PY) -m benchmarks

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
