# dangvien — two commands: `make run` and `make test`. Everything else is what they call.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := python3.11
UV := $(shell command -v uv 2>/dev/null || echo python3 -m uv)
PY := .venv/bin/python
PYTEST_WORKERS ?= 2
HOST ?= 127.0.0.1
PORT ?= 8000
# Background workers (imports): more than one, so one heavy file cannot hold the queue.
TASK_WORKERS ?= 2

.PHONY: run serve test env uv chromium office lint typecheck djangocheck test-sqlite test-postgres bench demo worker clean

uv:
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || { \
	  echo "→ Cài uv (trình quản lý môi trường Python)…"; \
	  python3 -m pip install --quiet uv 2>/dev/null \
	  || python3 -m pip install --quiet --break-system-packages uv 2>/dev/null \
	  || { apt-get update -qq && apt-get install -y -qq python3-pip >/dev/null && python3 -m pip install --quiet --break-system-packages uv; }; }

env: uv
	@$(UV) sync --frozen --quiet

# --- make run: install, migrate the embedded SQLite database, load the demo, serve ---
run: env
	@mkdir -p var
	@$(PY) manage.py migrate --noinput -v 0
	@$(PY) manage.py collectstatic --noinput -v 0
	@$(PY) manage.py seed_demo
	@$(PY) manage.py mark_interrupted_imports -v 0 >/dev/null
	@echo "→ Hàng đợi công việc nền (nhập Excel lớn): $(TASK_WORKERS) tiến trình chạy cùng máy chủ."
	@trap 'kill 0' EXIT; \
	  for i in $$(seq 1 $(TASK_WORKERS)); do \
	    $(PY) manage.py db_worker --interval 1 >var/worker-$$i.log 2>&1 & \
	  done; \
	  echo "→ Mở http://$(HOST):$(PORT)/ (Ctrl+C để dừng)"; \
	  $(PY) manage.py runserver $(HOST):$(PORT) --noreload

# --- make serve: the production server (docs/deployment.md): gunicorn + PostgreSQL + worker ---
# Needs DATABASE_URL (PostgreSQL) and SECRET_KEY (or SECRET_KEY_FILE); the settings refuse the
# demo key. Behind the TLS proxy; set ALLOWED_HOSTS, CSRF_TRUSTED_ORIGINS, SECURE_PROXY_SSL_HEADER=1.
serve: env
	@case "$${DATABASE_URL:-}" in postgres://*|postgresql://*) ;; \
	  *) echo "make serve cần DATABASE_URL=postgres://… (PostgreSQL)"; exit 1;; esac
	@test -n "$${SECRET_KEY:-}$${SECRET_KEY_FILE:-}" || { \
	  echo "make serve cần SECRET_KEY (hoặc SECRET_KEY_FILE); tạo bằng: python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"; exit 1; }
	@export DANGVIEN_PRODUCTION=1 DANGVIEN_MANIFEST_STATIC=1 DB_CONN_MAX_AGE=$${DB_CONN_MAX_AGE:-60}; \
	  mkdir -p "$${DANGVIEN_VAR_DIR:-var}" && \
	  $(PY) manage.py check --deploy --fail-level ERROR && \
	  $(PY) manage.py migrate --noinput -v 0 && \
	  $(PY) manage.py collectstatic --noinput -v 0 && \
	  $(PY) manage.py mark_interrupted_imports -v 0 >/dev/null && \
	  { trap 'kill 0' EXIT; \
	    for i in $$(seq 1 $(TASK_WORKERS)); do \
	      $(PY) manage.py db_worker --interval 1 >>"$${DANGVIEN_VAR_DIR:-var}/worker-$$i.log" 2>&1 & \
	    done; \
	    $(PY) -m gunicorn -c config/gunicorn.py; }

demo: env
	@$(PY) manage.py migrate --noinput -v 0
	@$(PY) manage.py seed_demo

# --- make test: gates, then the whole suite on SQLite and on PostgreSQL ---
test: env chromium office lint typecheck djangocheck test-sqlite test-postgres

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "→ Cài Chromium của Debian cho kiểm thử trình duyệt…"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# LibreOffice (Writer and Calc, no GUI) and poppler: the tests render printed documents to PNG
office:
	@{ command -v soffice >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1 \
	  && test -e /usr/lib/libreoffice/program/libsclo.so; } || { \
	  echo "→ Cài LibreOffice Writer, Calc và poppler để kiểm thử văn bản in…"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils >/dev/null; }

lint:
	@$(PY) -m ruff check .
	@$(PY) -m ruff format --check .
	@echo "→ import contracts (layers, demo isolation)"
	@.venv/bin/lint-imports --no-cache

typecheck:
	@$(PY) -m mypy dangvien config

djangocheck:
	@$(PY) manage.py check --fail-level WARNING
	@$(PY) manage.py makemigrations --check --dry-run >/dev/null || { echo "Missing migrations: run manage.py makemigrations"; exit 1; }

test-sqlite:
	@echo "→ pytest on SQLite"
	@env -u DATABASE_URL $(PY) -m pytest -n $(PYTEST_WORKERS) -q

test-postgres:
	@url="$${DATABASE_URL:-}"; \
	if [ -z "$$url" ]; then \
	  if $(PY) -c "import socket; socket.create_connection(('127.0.0.1', 5432), 2)" 2>/dev/null; then \
	    url="postgres://postgres@127.0.0.1:5432/dangvien_$$$$"; \
	  elif [ -n "$${DANGVIEN_REQUIRE_POSTGRES:-}" ]; then \
	    echo "PostgreSQL is required (DANGVIEN_REQUIRE_POSTGRES) but 127.0.0.1:5432 does not answer"; exit 1; \
	  else \
	    echo "→ PostgreSQL does not answer on 127.0.0.1:5432 and DATABASE_URL is unset: skipping the PostgreSQL run"; exit 0; \
	  fi; \
	fi; \
	echo "→ pytest on PostgreSQL"; \
	DATABASE_URL="$$url" $(PY) -m pytest -n $(PYTEST_WORKERS) -q

bench: env
	@$(PY) -m bench.run

worker: env
	@$(PY) manage.py mark_interrupted_imports
	@trap 'kill 0' EXIT; \
	  for i in $$(seq 1 $(TASK_WORKERS)); do $(PY) manage.py db_worker & done; wait

clean:
	rm -rf .venv var/staticfiles .mypy_cache .ruff_cache
