#!/usr/bin/env python3
"""bench/fts5.py: the SQLite FTS5 peer of the scale benchmark (bench/scale.mjs).

  fts5.py build CSV DB       load id,name,tags,category,description,provider
                             rows (CSV, no header) into an FTS5 table
                             (tokenizer porter unicode61, like PostgreSQL's
                             english stemming); prints JSON {rows, seconds,
                             bytes}
  fts5.py query DB JSON      JSON: {"runs": R, "clients": C, "queries":
                             [{"cls": ..., "q": ...}, ...]}; each query runs
                             R times as "ORDER BY bm25(t) LIMIT 20" and R
                             times as count(*), spread over C threads, each
                             with its own connection (sqlite3 releases the
                             GIL while a statement runs); prints JSON with
                             the times in ms and the counts
"""
import csv
import json
import os
import sqlite3
import sys
import threading
import time


def build(csv_path, db_path):
    t0 = time.perf_counter()
    if os.path.exists(db_path):
        os.unlink(db_path)
    db = sqlite3.connect(db_path)
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(id UNINDEXED, name, tags,"
               " category, description, provider,"
               " tokenize = 'porter unicode61')")
    csv.field_size_limit(1 << 24)
    n = 0
    with open(csv_path, newline="", encoding="utf-8") as f:
        rows = csv.reader(f)
        batch = []
        for row in rows:
            batch.append(row)
            if len(batch) == 50000:
                db.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)", batch)
                n += len(batch)
                batch = []
                print(f"  fts5: {n} rows", file=sys.stderr, flush=True)
        if batch:
            db.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)", batch)
            n += len(batch)
    db.commit()
    db.execute("INSERT INTO t (t) VALUES ('optimize')")
    db.commit()
    db.close()
    print(json.dumps({"rows": n, "seconds": time.perf_counter() - t0,
                      "bytes": os.path.getsize(db_path)}))


def match_expr(q):
    # Every word a quoted string: implicit AND, and "gpt-4o" or "0.5b"
    # read as text, not as FTS5 syntax.
    return " ".join('"' + w.replace('"', '""') + '"' for w in q.split())


def query(db_path, spec_path):
    with open(spec_path, encoding="utf-8") as f:
        spec = json.load(f)
    runs, clients = spec["runs"], spec["clients"]
    jobs = []
    for i, qu in enumerate(spec["queries"]):
        for r in range(runs):
            jobs.append((i, "top", qu["q"]))
            jobs.append((i, "count", qu["q"]))
    lock = threading.Lock()
    out = {"top": [[] for _ in spec["queries"]],
           "count": [[] for _ in spec["queries"]],
           "matches": [None] * len(spec["queries"])}
    pos = [0]

    def client():
        db = sqlite3.connect(db_path, check_same_thread=False)
        while True:
            with lock:
                if pos[0] >= len(jobs):
                    break
                i, kind, q = jobs[pos[0]]
                pos[0] += 1
            m = match_expr(q)
            t0 = time.perf_counter()
            if kind == "top":
                rows = db.execute("SELECT id FROM t WHERE t MATCH ?"
                                  " ORDER BY bm25(t) LIMIT 20", (m,)).fetchall()
            else:
                rows = db.execute("SELECT count(*) FROM t WHERE t MATCH ?",
                                  (m,)).fetchall()
            ms = (time.perf_counter() - t0) * 1000
            with lock:
                out[kind][i].append(ms)
                if kind == "count":
                    out["matches"][i] = rows[0][0]
        db.close()

    # Warm the page cache once, as the PostgreSQL side is warm.
    db = sqlite3.connect(db_path)
    db.execute("SELECT count(*) FROM t WHERE t MATCH 'model'").fetchall()
    db.close()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(json.dumps(out))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "build":
        build(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 4 and sys.argv[1] == "query":
        query(sys.argv[2], sys.argv[3])
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
