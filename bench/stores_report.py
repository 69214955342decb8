#!/usr/bin/env python3
"""Tables of make bench-stores (bench/stores.sh) from its results.tsv, with the goals.

usage: stores_report.py RESULTS_TSV OUT_DIR   (writes OUT_DIR/stores-<time>.json, prints Markdown)
"""
import json
import statistics
import sys
import time

GOAL_STORES = 10000


def parse_ms(text):
    """wrk's latency ("812.00us", "12.5ms", "1.20s") in milliseconds; None when unknown."""
    for suffix, factor in (("us", 0.001), ("ms", 1.0), ("s", 1000.0)):
        if text.endswith(suffix):
            try:
                return float(text[: -len(suffix)]) * factor
            except ValueError:
                return None
    return None


def load(path):
    r = {"settings": {}, "chunks": [], "create_one": [], "reads": {}, "touch": {}, "rss": {}}
    with open(path) as f:
        for line in f:
            k, *v = line.rstrip("\n").split("\t")
            if k == "setting":
                r["settings"][v[0]] = v[1]
            elif k == "create_chunk":
                r["chunks"].append({"first": int(v[0]), "last": int(v[1]), "seconds": float(v[2])})
            elif k == "create_one":
                r["create_one"].append(float(v[1]))
            elif k == "read":
                r["reads"][v[0]] = {"rps": float(v[1] or 0), "p99_ms": parse_ms(v[2]), "non2xx": int(v[3] or 0)}
            elif k == "touch_all":
                r["touch"][v[0]] = {"seconds": float(v[1]), "not_ok": int(v[2])}
            elif k == "rss":
                r["rss"][v[0]] = {"mariadbd_kib": int(v[1]), "worker_kib": int(v[2])}
            elif k == "list_tables":
                r.setdefault("list_tables", []).append(
                    {"tables": int(v[0]), "round": int(v[1]), "statements": int(v[2]), "seconds": float(v[3]),
                     "cache_misses": int(v[4])})
            elif k == "migrate_new":
                r["migrate_new"] = {"seconds": float(v[0]), "first_part_seconds": float(v[1]),
                                    "after_interrupt": int(v[2]), "done": int(v[3]), "stores": int(v[4])}
            elif k in ("migrate_nothing", "run_seconds"):
                r[k] = float(v[0])
            elif k in ("stores_ready", "create_failed", "disk_kib"):
                r[k] = int(v[0])
    return r


def goals(r):
    """(measure, number, goal, met) rows; met is None when the row was not measured."""
    rows = []
    n = r.get("stores_ready", 0)
    rows.append(("stores on one server", f"{n:,}", f"{GOAL_STORES:,}", n >= GOAL_STORES))
    one = r["create_one"]
    med = statistics.median(one) if one else None
    rows.append((f"time to create one store at {n:,} (median of {len(one)})",
                 f"{med:.2f} s" if med is not None else "—", "< 1 s", None if med is None else med < 1.0))
    mn = r.get("migrate_nothing")
    rows.append((f"migrate, nothing pending, {n:,} stores", f"{mn:.1f} s" if mn is not None else "—", "< 10 s",
                 None if mn is None else mn < 10.0))
    m = r.get("migrate_new")
    if m:
        ok = m["done"] == m["stores"] and m["seconds"] < 300
        resumed = m["after_interrupt"] < m["done"]
        rows.append((f"one new migration over {m['stores']:,} stores (interrupted once, run again)",
                     f"{m['seconds']:.1f} s ({m['after_interrupt']:,} before the interruption, {m['done']:,} after)",
                     "< 5 min, resumable", ok and resumed))
    else:
        rows.append(("one new migration", "—", "< 5 min, resumable", None))
    for cache in ("off", "on"):
        one_s, spread = r["reads"].get(f"one_store_{cache}"), r["reads"].get(f"spread_{cache}")
        if not one_s or not spread or not one_s["rps"] or one_s["non2xx"] or spread["non2xx"]:
            rows.append((f"list spread over {n:,} stores vs one store (answer cache {cache})", "—", "≥ 0.5", None))
            continue
        ratio = spread["rps"] / one_s["rps"]
        rows.append((f"list spread over {n:,} stores vs one store (answer cache {cache})",
                     f"{ratio:.2f} ({spread['rps']:,.0f} / {one_s['rps']:,.0f} rps)", "≥ 0.5", ratio >= 0.5))
        p99 = spread["p99_ms"]
        rows.append((f"p99 of that list, {r['settings'].get('connections', '?')} connections (answer cache {cache})",
                     f"{p99:.1f} ms" if p99 is not None else "—", "< 25 ms", None if p99 is None else p99 < 25))
    for cache in ("off", "on"):
        rss = r["rss"].get(cache)
        if rss:
            gb, mb = rss["mariadbd_kib"] / 1024 / 1024, rss["worker_kib"] / 1024
            rows.append((f"mariadbd / largest worker RSS, {n:,} stores touched (answer cache {cache})",
                         f"{gb:.2f} GiB / {mb:.1f} MiB", "< 6 GB / < 30 MB", gb < 6 and mb < 30))
    return rows


def list_tables(r):
    """(tables, [statements/s of each round], table cache misses a statement over the rounds) per
    variant of the list's statement, most tables first."""
    by = {}
    for row in r.get("list_tables", []):
        by.setdefault(row["tables"], []).append(row)
    out = []
    for tables in sorted(by, reverse=True):
        rows = by[tables]
        rates = [x["statements"] / x["seconds"] for x in rows if x["seconds"] > 0]
        misses = sum(x["cache_misses"] for x in rows) / max(1, sum(x["statements"] for x in rows))
        out.append((tables, rates, misses))
    return out


def main():
    results, out_dir = sys.argv[1], sys.argv[2]
    r = load(results)
    rows = goals(r)
    print("\n## Stores on one server (make bench-stores)\n")
    s = r["settings"]
    print(f"{r.get('stores_ready', 0):,} stores; MariaDB open_files_limit {s.get('open_files_limit')}, "
          f"innodb_open_files {s.get('innodb_open_files')}, table_open_cache {s.get('table_open_cache')}, "
          f"table_definition_cache {s.get('table_definition_cache')}, buffer pool {s.get('buffer_pool')}, "
          f"innodb_file_per_table {s.get('file_per_table', '?')}; "
          f"data on disk {r.get('disk_kib', 0) / 1024 / 1024:.1f} GiB\n")
    if r["chunks"]:
        print("| stores | seconds | per store | at once |\n|---|---:|---:|---:|")
        for c in r["chunks"]:
            k = c["last"] - c["first"] + 1
            print(f"| {c['first']:,}–{c['last']:,} | {c['seconds']:.0f} | {c['seconds'] / k:.3f} s | {s.get('creators')} |")
        print()
    print("| measure | number | goal | |\n|---|---|---|---|")
    for name, number, goal, met in rows:
        print(f"| {name} | {number} | {goal} | {'met' if met else 'not measured' if met is None else 'NOT met'} |")
    lt = list_tables(r)
    if lt:
        full = statistics.median(lt[0][1]) if lt[0][1] else 0
        print(f"\nThe list's statement at the database, {r['settings'].get('connections', '?')} clients, "
              "the query cache bypassed (what fewer tables a list are worth):\n")
        print(f"| tables read | statements/s (each round) | ÷ {lt[0][0]} tables | table cache misses a statement |\n"
              "|---:|---|---:|---:|")
        for tables, rates, misses in lt:
            ratio = statistics.median(rates) / full if rates and full else 0
            print(f"| {tables} | {', '.join(f'{x:,.0f}' for x in rates)} | {ratio:.2f} | {misses:.2f} |")
    out = dict(r, goals=[{"measure": a, "number": b, "goal": c, "met": d} for a, b, c, d in rows])
    path = f"{out_dir}/stores-{time.strftime('%Y%m%d-%H%M%S')}.json"
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
    print(f"\n(written to {path})")


if __name__ == "__main__":
    main()
