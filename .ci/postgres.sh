# Source this file (bash): a throwaway PostgreSQL cluster on loopback for the workflow tests.
#
#   source .ci/postgres.sh     # installs Debian's postgresql when missing, starts a cluster
#                              # in a temp dir on 127.0.0.1, creates the two roles and the
#                              # database, exports the URLs and stops the cluster on exit
#
# Postgres refuses to run as root: as root the cluster runs as the `postgres` user (runuser);
# as any other user it runs as that user. Two roles, as in a shared deployment
# (docs/werkstroom.md): hic_eigenaar owns the database and runs the migrations (CREATEDB, so
# the tests can make private databases), hic_app is what the application connects as.
# Exports: HICMONITOR_TEST_POSTGRES (owner URL), HICMONITOR_TEST_POSTGRES_APP (app URL),
# HICMONITOR_WORKFLOW_APP_ROLE=hic_app, HICMONITOR_TEST_POSTGRES_THROWAWAY=1 (the tests need not drop
# their databases one by one).

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "postgresql ontbreekt: apt-get install postgresql" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
HIC_PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
HIC_PGDIR=$(mktemp -d /tmp/hic-pg.XXXXXX)
if [ "$(id -u)" = 0 ]; then
  chown postgres: "$HIC_PGDIR"
  hic_pg() { runuser -u postgres -- "$@"; }
else
  hic_pg() { "$@"; }
fi
HIC_PGPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
HIC_PW_OWNER=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
HIC_PW_APP=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
hic_pg "$HIC_PGBIN/initdb" -D "$HIC_PGDIR/data" -U postgres -E UTF8 --locale=C.UTF-8 \
  --auth-local=trust --auth-host=scram-sha-256 >/dev/null
hic_pg "$HIC_PGBIN/pg_ctl" -D "$HIC_PGDIR/data" -l "$HIC_PGDIR/postgres.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $HIC_PGPORT -k $HIC_PGDIR -c fsync=off -c max_connections=200" \
  start >/dev/null
hic_pg_stop() {
  hic_pg "$HIC_PGBIN/pg_ctl" -D "$HIC_PGDIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$HIC_PGDIR"
}
trap hic_pg_stop EXIT
hic_pg "$HIC_PGBIN/psql" -q -v ON_ERROR_STOP=1 -h "$HIC_PGDIR" -p "$HIC_PGPORT" -U postgres -d postgres <<SQL
CREATE ROLE hic_eigenaar LOGIN CREATEDB PASSWORD '$HIC_PW_OWNER';
CREATE ROLE hic_app LOGIN PASSWORD '$HIC_PW_APP';
CREATE DATABASE hic_werkstroom OWNER hic_eigenaar;
SQL
export HICMONITOR_TEST_POSTGRES="postgresql+psycopg://hic_eigenaar:$HIC_PW_OWNER@127.0.0.1:$HIC_PGPORT/hic_werkstroom"
export HICMONITOR_TEST_POSTGRES_APP="postgresql+psycopg://hic_app:$HIC_PW_APP@127.0.0.1:$HIC_PGPORT/hic_werkstroom"
export HICMONITOR_WORKFLOW_APP_ROLE=hic_app
export HICMONITOR_TEST_POSTGRES_THROWAWAY=1  # the cluster is removed on exit
echo "PostgreSQL voor de tests op 127.0.0.1:$HIC_PGPORT ($HIC_PGDIR)"
