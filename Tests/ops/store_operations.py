#!/usr/bin/env python3
"""Keeping a county's store, end to end with the built binary:

- a backup taken while 30 township clerks upload at once: the copy opens, passes `renju db check`,
  and holds every upload acknowledged before the backup began (byte for byte);
- a restore round trip: the backup restored into a new store holds the same submissions;
- an upgrade from a store written by an earlier main (Tests/ops/fixtures/store-v5.sqlite, kept as
  written then) migrates with a backup made first, and the backup is the store as it was;
- a store written by a newer Renju is refused, not changed.

Usage: store_operations.py RENJU_BINARY. Prints one line per check and "N passed, M failed".
"""
import concurrent.futures as cf
import csv
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "support"))
from desk_http import Checks, Desk  # noqa: E402

renju = os.path.abspath(sys.argv[1])
here = os.path.dirname(os.path.abspath(__file__))
work = tempfile.mkdtemp(prefix="renju-store-ops-")
check = Checks()


def run(args, stdin=None):
    return subprocess.run([renju] + args, input=stdin, capture_output=True, text=True)


def submissions(db):
    con = sqlite3.connect(db)
    try:
        return {(u, v): bytes(b) for u, v, b in con.execute("SELECT s.unit, s.version, f.bytes FROM submissions s JOIN files f ON f.sha256 = s.sha256")}
    finally:
        con.close()


try:
    # 30 townships of a synthetic prefecture, 2025Q2 stored, a clerk each.
    run(["synth", "--villages", "360", "--period", "2025Q3", "--out", work])
    divisions = os.path.join(work, "divisions.csv")
    rows = list(csv.DictReader(open(divisions, encoding="utf-8")))
    parent = {r["code"]: r["parent"] for r in rows}
    townships = sorted(r["code"] for r in rows if r["level"] == "township")[:30]
    qdir = os.path.join(work, "returns", "2025Q3")
    uploads = {}
    for name in sorted(os.listdir(qdir)):
        if name.endswith("-签字.csv"):
            continue
        lines = open(os.path.join(qdir, name), encoding="utf-8").read().splitlines()
        for t in townships:
            mine = [l for l in lines[2:] if l.split(",")[0] == t or parent.get(l.split(",")[0]) == t]
            if mine:
                uploads[t] = ("\n".join(lines[:2] + mine) + "\n").encode("utf-8")
    db = os.path.join(work, "desk.sqlite")
    common = ["--divisions", divisions]
    run(["db", "import", "--db", db, "--as-of", "2025-10-31", "--force", "--reason", "history"] + common + [os.path.join(work, "returns", "2025Q2")])
    for i, t in enumerate(townships):
        run(["user", "add", "--db", db, "--login", f"c{i}", "--name", f"填表{i}", "--role", "clerk", "--unit", t] + common, stdin="ops-test-pw\n")
    desk = Desk(renju, db, common)
    request = desk.request
    try:
        sessions = [desk.login(f"c{i}", "ops-test-pw") for i in range(len(townships))]
        acknowledged = {}   # unit → time the desk answered 201
        lock = threading.Lock()
        start = threading.Barrier(len(townships) + 1)

        def upload(i):
            cookie, csrf = sessions[i]
            start.wait()
            status, _, _, _ = request("POST", "/api/submissions", uploads[townships[i]],
                                   {"Cookie": cookie, "X-CSRF-Token": csrf, "X-Filename": f"{townships[i]}.csv"})
            with lock:
                acknowledged[townships[i]] = (status, time.time())

        backup = os.path.join(work, "backup.sqlite")
        with cf.ThreadPoolExecutor(len(townships)) as ex:
            futures = [ex.submit(upload, i) for i in range(len(townships))]
            start.wait()
            # The backup begins while the uploads are under way.
            while True:
                with lock:
                    if len(acknowledged) >= 8:
                        break
                time.sleep(0.02)
            with lock:
                before = {u for u, (st, _) in acknowledged.items() if st == 201}
            b = run(["db", "backup", "--db", db, backup])
            for f in futures:
                f.result()
        check(b.returncode == 0 and os.path.exists(backup), "renju db backup while 30 uploads run: " + b.stderr.strip())
        c = run(["db", "check", "--db", backup])
        check(c.returncode == 0 and c.stdout.startswith("ok:"), "the copy passes renju db check: " + (c.stdout + c.stderr).strip())
        copied = submissions(backup)
        original = {(u, v): d for (u, v), d in submissions(db).items()}
        check(len(before) >= 8 and all((u, 1) in copied and copied[(u, 1)] == uploads[u] for u in before),
              f"it holds every upload acknowledged before it began, byte for byte ({len(before)} of them; {len(copied)} in the copy)")
        check(all(original.get(k) == v for k, v in copied.items()), "and nothing in it differs from the store")
        check(len(original) == len(townships) and all(s == 201 for s, _ in acknowledged.values()), f"the 30 uploads all landed in the store ({len(original)})")
        con = sqlite3.connect(db)
        recorded = [d for (d,) in con.execute("SELECT rules_digest FROM imports")]
        con.close()
        check(recorded and all(d and len(d) == 64 for d in recorded), f"each import records the rule set that checked it ({len(recorded)} imports)")
        p = run(["db", "periods", "--db", backup])
        check(p.returncode == 0 and "2025Q2" in p.stdout, "the copy opens with its stored periods")
    finally:
        desk.stop()

    # Restore round trip: the backup into a new store.
    restored = os.path.join(work, "restored.sqlite")
    r = run(["db", "restore", "--db", restored, backup])
    check(r.returncode != 0 and "--replace" in r.stderr, "restore asks for --replace before replacing anything")
    r = run(["db", "restore", "--db", restored, "--replace", backup])
    check(r.returncode == 0 and submissions(restored) == submissions(backup) and run(["db", "check", "--db", restored]).returncode == 0,
          "a restored store holds the backup's submissions and passes the check")
    damaged = os.path.join(work, "damaged.sqlite")
    with open(damaged, "wb") as f:
        f.write(b"SQLite format 3\0" + os.urandom(8192))
    r = run(["db", "restore", "--db", restored, "--replace", damaged])
    check(r.returncode != 0 and submissions(restored) == submissions(backup), "a damaged backup is refused and the store is left as it was")

    # An upgrade from a store an earlier main wrote.
    old = os.path.join(work, "old.sqlite")
    shutil.copy(os.path.join(here, "fixtures", "store-v5.sqlite"), old)
    r = run(["db", "periods", "--db", old])
    check(r.returncode != 0 and "migrate" in r.stderr, "an older store is not opened for reading before it is migrated")
    r = run(["db", "migrate", "--db", old])
    made = [f for f in os.listdir(work) if f.startswith("old.sqlite.before-v6-imputed-")]
    check(r.returncode == 0 and len(made) == 1 and "backed up" in r.stderr, "renju db migrate backs the store up first: " + r.stderr.strip())
    if made:
        con = sqlite3.connect(os.path.join(work, made[0]))
        ids = [x for (x,) in con.execute("SELECT identifier FROM grdb_migrations")]
        con.close()
        check("v6-imputed" not in ids and "v5-indexes" in ids, "the backup is the store as it was (before the migration)")
    check(run(["db", "check", "--db", old]).returncode == 0 and "2025Q2" in run(["db", "periods", "--db", old]).stdout,
          "the migrated store passes the check and holds its periods")
    r = run(["db", "migrate", "--db", old])
    check(r.returncode == 0 and "up to date" in r.stderr and len([f for f in os.listdir(work) if f.startswith("old.sqlite.before-")]) == 1,
          "migrating again does nothing and makes no backup")
    # A store a newer Renju wrote.
    con = sqlite3.connect(old)
    con.execute("INSERT INTO grdb_migrations (identifier) VALUES ('v99-future')"); con.commit(); con.close()
    size = os.path.getsize(old)
    r = run(["db", "migrate", "--db", old])
    check(r.returncode != 0 and "newer Renju" in r.stderr and os.path.getsize(old) == size, "a store written by a newer Renju is refused, not changed")
finally:
    shutil.rmtree(work, ignore_errors=True)

sys.exit(check.summary())
