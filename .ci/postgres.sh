#!/usr/bin/env bash
# Print the URL of a PostgreSQL server the tests may create databases on.
# Uses the one at 127.0.0.1:5432 when it answers; else starts a throwaway cluster in a temp dir
# (stopped and removed when the machine's temp is cleaned; CI machines are thrown away).
set -euo pipefail
if [ -n "${TEST_POSTGRES_URL:-}" ]; then echo "$TEST_POSTGRES_URL"; exit 0; fi
if command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432 -t 3; then
  echo "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"; exit 0
fi
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bindir" ]; then
  { apt-get update -qq && apt-get install -y -qq postgresql; } >&2
  bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi
port=55432
dir=/tmp/binhdang-pg
if ! pg_isready -q -h 127.0.0.1 -p $port -t 2 2>/dev/null; then
  rm -rf "$dir"; mkdir -p "$dir"; chown postgres "$dir"
  runuser -u postgres -- "$bindir/initdb" -D "$dir/data" -A trust -U postgres >&2
  runuser -u postgres -- "$bindir/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off" start >&2
fi
echo "postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
