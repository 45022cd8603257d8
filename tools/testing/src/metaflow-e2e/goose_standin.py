"""A stand-in for the `goose` binary (pressly/goose v3) that the metadata service image ships.

The migration Job's `run_goose.py` runs `goose -dir DIR postgres DSN up`; no registry reachable from
the test machines serves goose, so this applies the service's annotated SQL files the way goose does:
in version order (the number before the first `_` of the file name), only versions newer than the
newest applied one, the `-- +goose Up` section of each, `-- +goose StatementBegin`/`StatementEnd`
blocks as one statement, each file in one transaction unless it says `-- +goose NO TRANSACTION`, and
each applied version recorded in `goose_db_version` (goose's table and columns).

The image's paths start with `/root/`; GOOSE_STANDIN_ROOT names the folder that stands for `/root/`.
"""
import os
import re
import sys

import psycopg2

TABLE = (
    "CREATE TABLE IF NOT EXISTS goose_db_version ("
    "id serial PRIMARY KEY, version_id bigint NOT NULL, is_applied boolean NOT NULL, "
    "tstamp timestamp NULL DEFAULT now())"
)


def parse_args(argv):
    if len(argv) != 6 or argv[1] != "-dir" or argv[3] != "postgres" or argv[5] != "up":
        sys.exit("goose stand-in: usage: goose -dir DIR postgres DSN up; got %r" % argv[1:])
    folder = argv[2]
    root = os.environ.get("GOOSE_STANDIN_ROOT")
    if root and folder.startswith("/root/"):
        folder = os.path.join(root, folder[len("/root/"):])
    return folder, argv[4]


def up_statements(text):
    """The statements of a file's Up section, and whether the file runs in a transaction."""
    lines = text.splitlines()
    transaction = not any(line.strip() == "-- +goose NO TRANSACTION" for line in lines)
    statements, current, in_up, in_block = [], [], False, False
    for line in lines:
        marker = line.strip()
        if marker == "-- +goose Up":
            in_up = True
            continue
        if marker == "-- +goose Down":
            break
        if not in_up:
            continue
        if marker == "-- +goose StatementBegin":
            in_block = True
            continue
        if marker == "-- +goose StatementEnd":
            in_block = False
            statements.append("\n".join(current))
            current = []
            continue
        current.append(line)
        if not in_block and marker.endswith(";") and not marker.startswith("--"):
            statements.append("\n".join(current))
            current = []
    rest = "\n".join(current).strip()
    if rest and not all(line.strip().startswith("--") for line in rest.splitlines()):
        statements.append(rest)
    return statements, transaction


def migrations(folder):
    found = []
    for name in os.listdir(folder):
        match = re.match(r"^(\d+)_.*\.sql$", name)
        if match:
            found.append((int(match.group(1)), os.path.join(folder, name)))
    return sorted(found)


def main(argv):
    folder, dsn = parse_args(argv)
    conn = psycopg2.connect(dsn)
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute("SELECT to_regclass('goose_db_version')")
    if cur.fetchone()[0] is None:
        cur.execute(TABLE)
        cur.execute("INSERT INTO goose_db_version (version_id, is_applied) VALUES (0, true)")
    cur.execute("SELECT COALESCE(MAX(version_id), 0) FROM goose_db_version WHERE is_applied")
    current = cur.fetchone()[0]
    pending = [(v, path) for v, path in migrations(folder) if v > current]
    for version, path in pending:
        with open(path, encoding="utf-8") as f:
            statements, transaction = up_statements(f.read())
        record = "INSERT INTO goose_db_version (version_id, is_applied) VALUES (%s, true)"
        if transaction:
            conn.autocommit = False
            with conn:
                with conn.cursor() as tx:
                    for statement in statements:
                        tx.execute(statement)
                    tx.execute(record, (version,))
            conn.autocommit = True
        else:
            for statement in statements:
                cur.execute(statement)
            cur.execute(record, (version,))
        print("OK   %s" % os.path.basename(path))
    if pending:
        print("goose: successfully migrated database to version: %s" % pending[-1][0])
    else:
        print("goose: no migrations to run. current version: %s" % current)
    conn.close()


if __name__ == "__main__":
    main(sys.argv)
