"""The private MariaDB's descriptor budget (scripts/stack.sh, conf/dev/my.cnf.template): every
store is about 15 tables, each its own .ibd file, so InnoDB must never be allowed to keep as
many files open as the process may hold. With innodb_open_files equal to open_files_limit the
server failed to create tables ("Too many open files") at about 1,250 stores.

- open_files_limit is what the process really got (MariaDB's own reading of its limit);
- InnoDB's files, every connection's socket and a reserve fit under it;
- the open-table cache is within MariaDB's own cap, so it is used as configured, not cut;
- each table of a store is its own tablespace (innodb_file_per_table ON, ECOM_DB_FILE_PER_TABLE's
  default), and a value other than ON or OFF is a usage error of stack.sh (exit 2).
(That InnoDB then closes files beyond its budget is measured by make bench-stores: with 1,588
stores, about 25,000 tables, Innodb_num_open_files stayed at innodb_open_files, 8,000.)"""

import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import ecom  # noqa: E402

RESERVE = 200  # log files, temporary files, the system tables


def value(expr):
    return int(ecom.sql_value(f"SELECT {expr}"))


def configured(name):
    with open(os.path.join(ecom.var_dir(), "mysql", "my.cnf")) as f:
        for line in f:
            key, _, val = line.partition("=")
            if key.strip() == name:
                return int(val.strip())
    raise AssertionError(f"{name} is not in the stack's my.cnf")


def test_innodb_files_and_connections_fit_under_the_descriptor_limit():
    limit = value("@@open_files_limit")
    with open(os.path.join(ecom.var_dir(), "run", "mariadbd.pid")) as f:
        pid = f.read().strip()
    with open(f"/proc/{pid}/limits") as f:
        hard = next(int(l.split()[4]) for l in f if l.startswith("Max open files"))
    assert limit <= hard, (limit, hard)
    innodb, conns = value("@@innodb_open_files"), value("@@max_connections")
    assert innodb == configured("innodb_open_files"), innodb
    assert innodb + conns + RESERVE <= limit, (innodb, conns, limit)
    assert innodb >= 1000, "InnoDB must still keep a working set of files open"


def test_the_table_cache_is_used_as_configured():
    limit, conns, cache = value("@@open_files_limit"), value("@@max_connections"), value("@@table_open_cache")
    assert cache == configured("table_open_cache"), "MariaDB cut the table cache at start-up"
    assert cache <= (limit - conns - 10) // 2, (cache, limit, conns)


def test_each_store_table_is_a_tablespace_of_its_own():
    assert ecom.sql_value("SELECT @@innodb_file_per_table") == "1"
    schema = ecom.schema_of(ecom.new_store("BASIC"))
    rows = ecom.sql("SELECT t.NAME, t.SPACE FROM information_schema.INNODB_SYS_TABLES t "
                    f"WHERE t.NAME LIKE '{schema}/%'")
    assert len(rows) >= 15, rows
    spaces = [int(r[1]) for r in rows]
    assert 0 not in spaces and len(set(spaces)) == len(spaces), rows  # 0 is the system tablespace


def test_a_file_per_table_setting_other_than_on_or_off_is_a_usage_error():
    stack = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "stack.sh")
    env = dict(os.environ, ECOM_DB_FILE_PER_TABLE="maybe", ECOM_VAR_DIR="/nonexistent/stack")
    proc = subprocess.run([stack, "status"], env=env, capture_output=True, text=True, timeout=30)
    assert proc.returncode == 2 and "ECOM_DB_FILE_PER_TABLE must be ON or OFF" in proc.stderr, proc
