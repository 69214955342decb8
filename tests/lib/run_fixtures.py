"""Fixtures shared by the test modules of one run of tests/lib/runner.py: made by the first module
that asks for one, kept for the modules after it, stopped when the run ends (the runner calls
stop_all() after the last module; a stop that raises counts as one failure).

    env = run_fixtures.shared("two servers", TwoServers, stop=TwoServers.stop, start=TwoServers.start)

make() builds the object, start(obj) (when given) starts it: an object whose start failed part-way
is still stopped at the end. When either raised, every module that asks again gets that error at
once (nothing is made twice).
"""

_fixtures = {}   # name -> [object or None, stop or None, exception or None], in the order made


def shared(name, make, stop=None, start=None):
    """The fixture `name`: make() (then start(obj), when given) the first time, the same object
    after. stop(obj) runs at the end of the run, once make() has returned, even if start failed."""
    if name not in _fixtures:
        entry = _fixtures[name] = [None, None, None]
        try:
            entry[0] = make()
            entry[1] = stop
            if start is not None:
                start(entry[0])
        except BaseException as exc:  # noqa: BLE001 - kept and raised again for every module asking
            entry[2] = exc
            raise
    obj, _, error = _fixtures[name]
    if error is not None:
        raise RuntimeError(f"the shared fixture {name!r} did not start: {error!r}")
    return obj


def stop_all():
    """Stops every fixture made, the last made first. Returns [(name, formatted traceback)] of the
    stops that raised."""
    import traceback
    errors = []
    for name in reversed(list(_fixtures)):
        obj, stop, _ = _fixtures.pop(name)
        if stop is None or obj is None:
            continue
        try:
            stop(obj)
        except Exception:  # noqa: BLE001
            errors.append((name, traceback.format_exc()))
    return errors
