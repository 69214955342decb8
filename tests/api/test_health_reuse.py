"""/health: each worker reuses its last check of the databases for up to a second, unless the
caller asks for a fresh one (Cache-Control: no-cache), which checks the databases again."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import ecom  # noqa: E402

N = 60


def executed():
    """Prepared statements the database server has executed so far (every worker, every client)."""
    return int(ecom.sql_value("SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS "
                              "WHERE VARIABLE_NAME = 'COM_STMT_EXECUTE'"))


def health_burst(headers=None):
    before = executed()
    for _ in range(N):
        r = ecom.http("GET", "/health", headers=headers)
        assert r.status == 200 and r.json()["status"] == "Healthy", r.text
    return executed() - before


def test_health_reuses_its_last_check_for_a_moment():
    # A check reads the servers' list (one statement); N requests in a row reuse it, a check per
    # worker and second at most (the stack's provisioner loop adds a few statements of its own).
    assert health_burst() < N // 2


def test_health_checks_again_when_asked():
    # Cache-Control: no-cache: every request checks again, the list read each time.
    assert health_burst({"Cache-Control": "no-cache"}) >= N
