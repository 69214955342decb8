#!/usr/bin/env python3
"""A tiny test runner for the black-box suites (standard library only).

Usage: runner.py [-k SUBSTRING] DIR_OR_FILE...

Discovers `test_*.py` files in the given directories (sorted by name), imports each one and runs
every top-level function named `test_*` in the order it is defined. A module may define
`setup_module()` (if it raises, every test of the module fails with that error) and
`teardown_module()` (run after the module's tests; if it raises, that counts as one failure).
Fixtures several modules share (tests/lib/run_fixtures.py) are stopped after the last module, each
stop that raises counting as one failure.

Output: `PASS <file>::<test> (<ms> ms)` or `FAIL <file>::<test>` followed by the indented
traceback; the last line is exactly `N passed, N failed`. Exit status 0 when nothing failed.

No test may hang: every test (and setup/teardown) runs under a watchdog alarm
(`ECOM_TEST_TIMEOUT` seconds, default 180) that raises `TestTimeout` in the test.
"""

import argparse
import importlib.util
import inspect
import os
import re
import signal
import sys
import time
import traceback

LIB_DIR = os.path.dirname(os.path.abspath(__file__))
if LIB_DIR not in sys.path:
    sys.path.insert(0, LIB_DIR)

import run_fixtures  # noqa: E402


class TestTimeout(Exception):
    """Raised inside a test that ran longer than the watchdog allows."""


def _on_alarm(signum, frame):
    raise TestTimeout("test exceeded the watchdog timeout (ECOM_TEST_TIMEOUT)")


def _timeout_seconds():
    try:
        return max(1, int(os.environ.get("ECOM_TEST_TIMEOUT", "180")))
    except ValueError:
        return 180


def discover(paths):
    files = []
    for p in paths:
        if os.path.isfile(p):
            files.append(p)
            continue
        if not os.path.isdir(p):
            print(f"runner: no such directory: {p}", file=sys.stderr)
            continue
        for name in sorted(os.listdir(p)):
            if name.startswith("test_") and name.endswith(".py"):
                files.append(os.path.join(p, name))
    return files


def load_module(path):
    rel = os.path.relpath(os.path.abspath(path))
    mod_name = "ecomtest_" + re.sub(r"[^A-Za-z0-9_]", "_", rel[:-3])
    test_dir = os.path.dirname(os.path.abspath(path))
    if test_dir not in sys.path:
        sys.path.insert(0, test_dir)
    spec = importlib.util.spec_from_file_location(mod_name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[mod_name] = module
    spec.loader.exec_module(module)
    return module


def tests_of(module):
    found = []
    for name, obj in vars(module).items():
        if (name.startswith("test_") and inspect.isfunction(obj)
                and obj.__module__ == module.__name__):
            found.append((obj.__code__.co_firstlineno, name, obj))
    found.sort(key=lambda t: t[0])
    return [(name, fn) for _, name, fn in found]


def indent(text):
    return "".join("    " + line + "\n" for line in text.rstrip("\n").split("\n"))


def call_guarded(fn):
    """Runs fn() under the watchdog. Returns None on success, else the formatted traceback."""
    signal.alarm(_timeout_seconds())
    try:
        fn()
        return None
    except BaseException as exc:  # noqa: BLE001 - a test may raise anything, even SystemExit
        if isinstance(exc, KeyboardInterrupt):
            raise
        return traceback.format_exc()
    finally:
        signal.alarm(0)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-k", dest="filter", default=None, help="run only tests whose id contains this")
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args(argv)

    signal.signal(signal.SIGALRM, _on_alarm)
    passed = failed = 0

    for path in discover(args.paths):
        shown = os.path.relpath(os.path.abspath(path))
        try:
            module = load_module(path)
        except BaseException:  # noqa: BLE001
            failed += 1
            print(f"FAIL {shown}::<import>", flush=True)
            print(indent(traceback.format_exc()), end="", flush=True)
            continue

        tests = [(n, f) for n, f in tests_of(module)
                 if not args.filter or args.filter in f"{shown}::{n}"]
        if not tests:
            continue

        setup_error = None
        setup = getattr(module, "setup_module", None)
        if callable(setup):
            setup_error = call_guarded(setup)

        for name, fn in tests:
            test_id = f"{shown}::{name}"
            if setup_error is not None:
                failed += 1
                print(f"FAIL {test_id}", flush=True)
                print(indent("setup_module failed:\n" + setup_error), end="", flush=True)
                continue
            start = time.monotonic()
            error = call_guarded(fn)
            ms = int((time.monotonic() - start) * 1000)
            if error is None:
                passed += 1
                print(f"PASS {test_id} ({ms} ms)", flush=True)
            else:
                failed += 1
                print(f"FAIL {test_id}", flush=True)
                print(indent(error), end="", flush=True)

        teardown = getattr(module, "teardown_module", None)
        if callable(teardown):
            error = call_guarded(teardown)
            if error is not None:
                failed += 1
                print(f"FAIL {shown}::teardown_module", flush=True)
                print(indent(error), end="", flush=True)

    signal.alarm(_timeout_seconds())   # the watchdog's TestTimeout ends a stop like any error
    try:
        stop_errors = run_fixtures.stop_all()
    finally:
        signal.alarm(0)
    for name, error in stop_errors:
        failed += 1
        print(f"FAIL <shared fixture {name}>::stop", flush=True)
        print(indent(error), end="", flush=True)

    print(f"{passed} passed, {failed} failed", flush=True)
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
