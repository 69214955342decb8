#!/usr/bin/env python3
"""The report of `make bench`: reads the measurements bench/run.sh wrote, prints two tables
(every row, then the goals of issue 16 with met / not met) and writes every number to
var/bench/<time>.json.

    bench/report.py RESULTS_TSV META_TSV OUT_DIR

RESULTS_TSV, one measurement a line (see measure() in bench/run.sh):
    pass seq id label query_cache_wanted query_cache rps p50 p99 non2xx socket_errors
    qcache_hits_delta qcache_inserts_delta seconds warmup_seconds
META_TSV: "setting NAME VALUE", "worker_rss PASS PID KIB", "pass_seconds PASS SECONDS".

How a ratio is made: in each pass, baseline B is measured right before every row and once after
the last, so every row has a B on each side; its ratio is its rps ÷ the mean of those two. Over
the passes, each row's rps, p99 and ratio are given as median (min–max).
"""
import json
import re
import statistics
import sys
import time
from dataclasses import asdict, dataclass, field
from typing import Callable, Optional

B = "baseline_b"
# Rows answered without the application (and so without MariaDB): their query-cache mode is moot.
NO_APP = {"baseline_a", B}
# "Every read" of the p99 goal: the rows that change no data and reach the application (the
# micro-cache rows are nginx's answers, not the application's).
READS = {"health", "list", "list_search", "list_category_price", "detail", "categories",
         "list_small_store", "list_many_stores", "quote"}


@dataclass
class Measurement:
    pass_no: int
    seq: int
    id: str
    label: str
    query_cache_wanted: str
    query_cache: str
    rps: Optional[float]
    p50_ms: Optional[float]
    p99_ms: Optional[float]
    non2xx: int
    socket_errors: int
    qcache_hits: int
    qcache_inserts: int
    seconds: float  # the whole measurement: warm-up, wrk, the query-cache readings around it
    warmup_seconds: int
    b_before: Optional[float] = None
    b_after: Optional[float] = None
    ratio: Optional[float] = None


def number(text: str) -> Optional[float]:
    try:
        return float(text)
    except ValueError:
        return None


def millis(text: str) -> Optional[float]:
    """wrk's latency ("850.00us", "9.70ms", "1.20s", "2.00m") in milliseconds."""
    for suffix, factor in (("us", 0.001), ("ms", 1.0), ("s", 1000.0), ("m", 60000.0)):
        if text.endswith(suffix):
            value = number(text[: -len(suffix)])
            return None if value is None else value * factor
    return None


def read_measurements(path: str) -> list[Measurement]:
    out = []
    for line in open(path):
        if not line.strip():
            continue
        f = line.rstrip("\n").split("\t")
        out.append(Measurement(int(f[0]), int(f[1]), f[2], f[3], f[4], f[5], number(f[6]), millis(f[7]),
                               millis(f[8]), int(f[9] or 0), int(f[10] or 0), int(f[11] or 0), int(f[12] or 0),
                               float(f[13] or 0), int(f[14] or 0)))
    return out


def pair_with_b(measurements: list[Measurement]) -> None:
    """Sets each row's neighbouring B measurements (same pass) and its ratio to their mean."""
    for m in measurements:
        if m.id == B:
            continue
        same_pass = [x for x in measurements if x.pass_no == m.pass_no and x.id == B and x.rps]
        before = [x for x in same_pass if x.seq < m.seq]
        after = [x for x in same_pass if x.seq > m.seq]
        m.b_before = before[-1].rps if before else None
        m.b_after = after[0].rps if after else None
        bs = [b for b in (m.b_before, m.b_after) if b]
        if m.rps is not None and bs:
            m.ratio = m.rps / statistics.mean(bs)


@dataclass
class Spread:
    """A value over the passes: median and range, and each pass's value."""
    median: Optional[float]
    min: Optional[float]
    max: Optional[float]
    passes: list

    @staticmethod
    def of(values: list) -> "Spread":
        known = [v for v in values if v is not None]
        if not known:
            return Spread(None, None, None, values)
        return Spread(statistics.median(known), min(known), max(known), values)


@dataclass
class Row:
    """One row of the table: the measurements of one endpoint in one query-cache mode."""
    id: str
    label: str
    query_cache: str  # the mode it was meant to run in; "-" for rows that never reach the application
    modes_seen: list  # the mode MariaDB reported before each pass's measurement
    rps: Spread
    p50_ms: Spread
    p99_ms: Spread
    ratio: Spread
    non2xx: int
    socket_errors: int
    qcache_hits: list = field(default_factory=list)

    @property
    def mode_as_wanted(self) -> bool:
        return self.query_cache == "-" or all(m == self.query_cache for m in self.modes_seen)


def row_key(m: Measurement) -> tuple[str, str]:
    return m.id, "-" if m.id in NO_APP else m.query_cache_wanted


def summarise(measurements: list[Measurement]) -> list[Row]:
    keys = []  # in the order of the first pass
    for m in measurements:
        if row_key(m) not in keys:
            keys.append(row_key(m))
    rows = []
    for row_id, mode in keys:
        ms = [m for m in measurements if row_key(m) == (row_id, mode)]
        rows.append(Row(row_id, ms[0].label, mode, [m.query_cache for m in ms],
                        Spread.of([m.rps for m in ms]), Spread.of([m.p50_ms for m in ms]),
                        Spread.of([m.p99_ms for m in ms]),
                        Spread.of([m.ratio for m in ms]) if row_id != B else Spread.of([1.0 for _ in ms]),
                        sum(m.non2xx for m in ms), sum(m.socket_errors for m in ms), [m.qcache_hits for m in ms]))
    return rows


@dataclass
class Goal:
    """A row of issue 16's goal table, checked against the median over the passes."""
    name: str
    unit: str  # "ratio", "MiB", "ms"
    op: str  # ">=" or "<"
    threshold: float
    value: Optional[Spread] = None
    status: str = "not measured"
    met: Optional[bool] = None
    note: str = ""

    def check(self, value: Spread, rows_used: list[Row], note: str = "") -> None:
        self.value, self.note = value, note
        wrong_mode = [r for r in rows_used if not r.mode_as_wanted]
        errors = sum(r.non2xx + r.socket_errors for r in rows_used)
        if value.median is None:
            self.status = "not measured"
        elif wrong_mode:
            self.status = "not measured"
            self.note = "query cache not " + ", ".join(sorted({r.query_cache for r in wrong_mode}))
        else:
            ok = value.median >= self.threshold if self.op == ">=" else value.median < self.threshold
            self.met = ok and errors == 0
            self.status = "met" if self.met else "not met"
            if ok and errors:
                self.note = f"{errors} non-2xx or socket errors"


def per_pass(passes: int, fn: Callable[[int], Optional[float]]) -> Spread:
    """A value made pass by pass (fn gets the pass's index, 0-based)."""
    return Spread.of([fn(p) for p in range(passes)])


def find_row(rows: list[Row], row_id: str, mode: str = "on") -> Optional[Row]:
    return next((r for r in rows if r.id == row_id and r.query_cache == mode), None)


def relative(rows: list[Row], passes: int, row_id: str, reference_id: str) -> Optional[Spread]:
    """One row against another, pass by pass, each as its ratio to its own neighbouring B."""
    a, b = find_row(rows, row_id), find_row(rows, reference_id)
    if not (a and b):
        return None
    return per_pass(passes, lambda p: div(at(a.ratio, p), at(b.ratio, p)))


def evaluate_goals(rows: list[Row], rss_by_pass: list, settings: dict) -> list[Goal]:
    def row(row_id: str, mode: str = "on") -> Optional[Row]:
        return find_row(rows, row_id, mode)

    passes = settings["passes"]
    stores, conns = settings["stores"], settings["connections"]
    goals = []

    def ratio_goal(name: str, row_id: str, mode: str, threshold: float) -> None:
        g = Goal(name, "ratio", ">=", threshold)
        r = row(row_id, mode)
        if r:
            g.check(r.ratio, [r])
        goals.append(g)

    ratio_goal("/health", "health", "on", 0.85)
    ratio_goal("product list (20), query cache off", "list", "off", 0.35)
    ratio_goal("product list (20), query cache on", "list", "on", 0.5)
    ratio_goal("product detail, query cache off", "detail", "off", 0.35)
    ratio_goal("product detail, query cache on", "detail", "on", 0.6)

    # The list spread over many stores against the same list of one store (the big store's, as
    # in issue 7; against the one small store it is printed below the table).
    g = Goal(f"list spread over {stores:,} stores vs one store", "ratio", ">=", 0.9)
    spread = relative(rows, passes, "list_many_stores", "list")
    if spread:
        g.check(spread, [row("list_many_stores"), row("list")],
                "÷ product list (20), query cache on" + ("" if stores == 1000 else "; the goal is for 1,000 stores"))
    goals.append(g)

    ratio_goal("add-to-cart", "add_to_cart", "on", 0.25)
    ratio_goal("place-order (orders/s ÷ B)", "place_order", "on", 0.08)

    g = Goal(f"worker RSS with {stores:,} stores touched", "MiB", "<", 25)
    if any(v is not None for v in rss_by_pass):
        # VmHWM only grows: the last pass's peak is the run's; the range shows it pass by pass.
        spread = Spread.of(rss_by_pass)
        spread.median = next(v for v in reversed(rss_by_pass) if v is not None)
        g.check(spread, [], "peak (VmHWM) of the largest worker after the last pass" +
                ("" if stores == 1000 else "; the goal is for 1,000 stores"))
    goals.append(g)

    g = Goal(f"p99 of every read at {conns} connections", "ms", "<", 15)
    reads = [r for r in rows if r.id in READS and r.p99_ms.median is not None]
    if reads:
        slowest = max(reads, key=lambda r: r.p99_ms.median)
        def slowest_in_pass(p: int) -> Optional[float]:
            return max((v for r in reads if (v := at(r.p99_ms, p)) is not None), default=None)
        spread = per_pass(passes, slowest_in_pass)
        spread.median = slowest.p99_ms.median  # the slowest row's median p99; the range: the slowest per pass
        g.check(spread, reads, f"slowest: {slowest.label} (query cache {slowest.query_cache})" +
                ("" if conns == 64 else "; the goal is for 64 connections"))
    goals.append(g)
    return goals


def at(spread: Spread, pass_index: int) -> Optional[float]:
    return spread.passes[pass_index] if pass_index < len(spread.passes) else None


def div(a: Optional[float], b: Optional[float]) -> Optional[float]:
    return a / b if a is not None and b else None


# --- printing --------------------------------------------------------------------------------

def fmt(value: Optional[float], unit: str) -> str:
    if value is None:
        return "n/a"
    if unit == "rps":
        return f"{value:,.0f}"
    if unit == "ms":
        return f"{value:.1f}"
    if unit == "MiB":
        return f"{value:.1f}"
    return f"{value:.3f}" if abs(value) < 0.1 else f"{value:.2f}"  # 0.075 is not 0.08


def fmt_spread(s: Spread, unit: str) -> str:
    if s.median is None:
        return "n/a"
    if len([v for v in s.passes if v is not None]) < 2:
        return fmt(s.median, unit)
    return f"{fmt(s.median, unit)} ({fmt(s.min, unit)}–{fmt(s.max, unit)})"


def markdown(headers: list[str], lines: list[list[str]], right: set[int]) -> str:
    """A Markdown table padded to line up in a terminal too."""
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(headers)]

    def cells(values):
        return "| " + " | ".join(v.rjust(w) if i in right else v.ljust(w)
                                 for i, (v, w) in enumerate(zip(values, widths))) + " |"
    rule = "|" + "|".join(("-" * (w + 1) + ":") if i in right else ("-" * (w + 2)) for i, w in enumerate(widths)) + "|"
    return "\n".join([cells(headers), rule] + [cells(line) for line in lines])


def rows_table(rows: list[Row]) -> str:
    lines = []
    for r in rows:
        label = r.label + (" ×" + str(len(r.rps.passes)) if r.id == B else "")
        mode = r.query_cache if r.mode_as_wanted else f"{r.query_cache}, but ran {'/'.join(r.modes_seen)}"
        errors = r.non2xx + r.socket_errors
        hits = "" if r.id in NO_APP else f"{statistics.median(r.qcache_hits):,.0f}"
        lines.append([label, mode, fmt_spread(r.rps, "rps"), fmt(r.p50_ms.median, "ms"), fmt_spread(r.p99_ms, "ms"),
                      "1.00" if r.id == B else fmt_spread(r.ratio, "ratio"), hits, str(errors) if errors else ""])
    return markdown(["row", "query cache", "rps (orders/s)", "p50 ms", "p99 ms", "ratio to B", "Qcache hits", "errors"],
                    lines, {2, 3, 4, 5, 6, 7})


def goals_table(goals: list[Goal]) -> str:
    lines = []
    for g in goals:
        unit = "" if g.unit == "ratio" else " " + g.unit
        value = "n/a" if g.value is None else fmt_spread(g.value, g.unit) + unit
        goal = ("≥ " if g.op == ">=" else "< ") + (f"{g.threshold:g}" if g.unit != "ratio" else f"{g.threshold:.2f}") + unit
        lines.append([g.name, value, goal, g.status, g.note])
    return markdown(["goal (issue 16)", "measured: median (range)", "goal", "", "note"], lines, {1, 2})


def camel_case(value):
    """The JSON's keys as the API writes its own: pass_no → passNo."""
    if isinstance(value, dict):
        return {re.sub(r"_([a-z0-9])", lambda m: m.group(1).upper(), str(k)): camel_case(v) for k, v in value.items()}
    if isinstance(value, list):
        return [camel_case(v) for v in value]
    return value


def minutes(seconds: float) -> str:
    return f"{int(seconds // 60)} min {int(seconds % 60)} s"


def time_line(measurements: list[Measurement], run_seconds: float, pass_seconds: dict, settings: dict) -> str:
    """How long the run took, and how long one with the defaults (5 s, 3 passes) takes on the
    same overheads: each measurement costs its warm-up, its seconds and what lies around it
    (starting wrk, reading the query cache's counters)."""
    first = [m for m in measurements if m.pass_no == 1]
    overhead = statistics.mean(m.seconds - m.warmup_seconds - settings["seconds"] for m in measurements)
    later_warmup = sum(min(m.warmup_seconds, 4) for m in first)  # bench/run.sh: 10 s over many stores in pass 1 only
    default_pass = len(first) * (5 + overhead) + later_warmup
    default_run = default_pass * 3 + sum(m.warmup_seconds for m in first) - later_warmup
    passes = ", ".join(f"{s:.0f} s" for _, s in sorted(pass_seconds.items()))
    return (f"time: {minutes(run_seconds)} in all (stack start, stores, passes {passes}); {len(first)} measurements "
            f"a pass, {overhead:.1f} s each besides warm-up and measuring; with the defaults (5 s, 3 passes) the "
            f"passes take about {minutes(default_run)}")


def main() -> None:
    results_path, meta_path, out_dir = sys.argv[1:4]
    measurements = read_measurements(results_path)
    settings, rss, pass_seconds = {}, {}, {}
    for line in open(meta_path):
        f = line.rstrip("\n").split("\t")
        if f[0] == "setting":
            settings[f[1]] = int(f[2]) if f[2].isdigit() else number(f[2])
        elif f[0] == "worker_rss" and f[3]:
            rss.setdefault(int(f[1]), {})[int(f[2])] = int(f[3])
        elif f[0] == "pass_seconds":
            pass_seconds[int(f[1])] = float(f[2])
    passes = settings["passes"]
    rss_by_pass = [max(rss[p].values()) / 1024 if rss.get(p) else None for p in range(1, passes + 1)]

    pair_with_b(measurements)
    rows = summarise(measurements)
    goals = evaluate_goals(rows, rss_by_pass, settings)

    # The query cache: during the rows meant to run without it, Qcache_hits must not move.
    off = [m for m in measurements if m.query_cache_wanted == "off" and m.id not in NO_APP]
    on = [m for m in measurements if m.query_cache_wanted == "on" and m.id not in NO_APP]
    off_hits = sum(m.qcache_hits for m in off)
    off_verified = bool(off) and off_hits == 0 and all(m.query_cache == "off" for m in off)

    b = Spread.of([m.rps for m in measurements if m.id == B])
    run_seconds = settings.get("run_seconds", 0)
    print()
    print(rows_table(rows))
    print()
    print(goals_table(goals))
    print()
    met = sum(1 for g in goals if g.met)
    print(f"goals met: {met} of {len(goals)}")
    vs_small = relative(rows, passes, "list_many_stores", "list_small_store")
    if vs_small:
        print(f"list over {settings['stores']:,} stores ÷ the list of one small store (the same demo catalog): "
              f"{fmt_spread(vs_small, 'ratio')}")
    ttl = settings.get("answer_cache_ttl_ms")
    if ttl is not None:
        print("catalog answer cache: " + (f"on (TTL {ttl} ms)" if ttl else "off (every catalog read reaches MariaDB)"))
    print(f"{passes} passes, {settings['seconds']} s per measurement, {settings['connections']} connections, "
          f"{settings['workers']} workers; ratio = row ÷ mean of the B right before and right after it "
          f"(B: {len(b.passes)} measurements, {fmt_spread(b, 'rps')} rps)")
    if off:
        print(f"query cache off rows: Qcache_hits moved by {off_hits} during them "
              f"({'off, verified' if off_verified else 'NOT off'}); on rows: moved by "
              f"{sum(m.qcache_hits for m in on):,} (query_cache_size {settings.get('query_cache_size')})")
    print(time_line(measurements, run_seconds, pass_seconds, settings))

    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    report = {
        "time": stamp,
        "settings": settings,
        "method": "ratio = rps ÷ mean of the baseline B measured right before and right after the row (same pass); "
                  "median and range over the passes",
        "runSeconds": run_seconds,
        "passSeconds": [pass_seconds.get(p) for p in range(1, passes + 1)],
        "baselineB": asdict(b),
        "queryCache": {"sizeBytes": settings.get("query_cache_size"), "offRowsQcacheHits": off_hits,
                       "onRowsQcacheHits": sum(m.qcache_hits for m in on), "offVerified": off_verified},
        "workerPeakRssMiBByPass": rss_by_pass,
        "workerPeakRssKiB": {str(p): r for p, r in sorted(rss.items())},
        "goals": [asdict(g) for g in goals],
        "goalsMet": met,
        "manyStoresVsOneSmallStore": asdict(vs_small) if vs_small else None,
        "rows": [dict(asdict(r), modeAsWanted=r.mode_as_wanted) for r in rows],
        "measurements": [asdict(m) for m in measurements],
    }
    report = camel_case(report)
    name = f"{out_dir}/{stamp}.json"
    with open(name, "w") as f:
        json.dump(report, f, indent=1, ensure_ascii=False)
    print("written", name)


if __name__ == "__main__":
    main()
