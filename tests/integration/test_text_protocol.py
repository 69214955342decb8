"""A worker runs a statement unprepared (text protocol, parameters inlined as escaped literals)
until the statement is hot, then prepared (src/db/connection.cpp). Both ways must read back the
same values and write the same values: proved with tests/tools/db_probe.cpp, which runs one
statement through db::Connection either way (--plain, --prepared), on rows holding what the
stores hold — DATETIME(3), TIMESTAMP(3), DECIMAL money and rates, NULLs, utf8mb4 text, JSON,
BIGINT — and on strings made to break out of a literal."""

import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import ecom  # noqa: E402

TABLE = f"probe_values_{os.getpid()}"

# Strings that would end or change a literal, or a statement, if they were not escaped.
HOSTILE = [
    "O'Brien",
    "back\\slash\\",
    "quote\\' OR 1=1 -- ",
    "'; DROP TABLE x; --",
    "\"double\" `back` ? ?? /* ? */ # ?",
    "line\nbreak\ttab\r\x1a\x01",
    "caf\u00e9 \u65e5\u672c \U0001F600 \u00f1",
    "",
]


def probe(mode, statement, *params):
    user, password = ecom.admin_account()
    cmd = [os.path.join(ecom.bin_dir(), "db-probe"), mode, "unix://" + ecom.mysql_socket(), user, password,
           statement, *params]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60)


def both(statement, *params):
    """The statement's output run prepared and unprepared: asserted equal, returned once."""
    prepared, plain = probe("--prepared", statement, *params), probe("--plain", statement, *params)
    assert prepared.returncode == 0, ecom.describe(prepared)
    assert plain.returncode == 0, ecom.describe(plain)
    assert plain.stdout == prepared.stdout, f"unprepared:\n{plain.stdout}\nprepared:\n{prepared.stdout}"
    return prepared.stdout.splitlines()


class Table:
    def __enter__(self):
        ecom.sql(f"""CREATE TABLE {TABLE} (
            id BIGINT NOT NULL PRIMARY KEY,
            at3 DATETIME(3) NULL, at0 DATETIME NULL, ts3 TIMESTAMP(3) NULL, day DATE NULL,
            money DECIMAL(12,2) NULL, rate DECIMAL(6,4) NULL, discount DECIMAL(3,2) NULL,
            big BIGINT NULL, n INT NULL, flag TINYINT(1) NULL,
            name VARCHAR(200) NULL, body TEXT NULL, doc LONGTEXT NULL CHECK (doc IS NULL OR JSON_VALID(doc)),
            uuid CHAR(36) NULL
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci""", db=ecom.control_db())
        return self

    def __exit__(self, *exc):
        ecom.sql(f"DROP TABLE IF EXISTS {TABLE}", db=ecom.control_db())


def qualified():
    return f"`{ecom.control_db()}`.{TABLE}"


def test_values_read_back_the_same_either_way():
    with Table():
        ecom.sql(f"""SET NAMES utf8mb4; SET time_zone = '+00:00';
            INSERT INTO {TABLE} VALUES
            (1, '2024-02-29 23:59:59.123', '2024-02-29 23:59:59', '2024-02-29 23:59:59.120', '2024-02-29',
             '9999999999.99', '0.1500', '0.15', 9223372036854775807, -2147483648, 1,
             'caf\u00e9 \U0001F600', 'line\\nbreak', '{{"a": [1, 2.5, "\u00e9"]}}', '123e4567-e89b-12d3-a456-426614174000'),
            (2, '2026-01-01 00:00:00.000', '2026-01-01 00:00:00', '2026-01-01 00:00:00.001', '1970-01-01',
             '-12.50', '0.0000', '0.00', -9223372036854775808, 0, 0, '2024-02-29 23:59:59.120', '', '{{}}', ''),
            (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)""",
                 db=ecom.control_db())
        rows = both(f"SELECT id AS i_id, at3, at0, ts3, day, money, rate, discount, big AS i_big, big, n AS i_n, "
                    f"flag AS i_flag, name, body, doc, uuid FROM {qualified()} WHERE id >= ? ORDER BY id", "i:1")
        assert len(rows) == 3, rows
        # Fractional seconds in Connector/C++'s prepared form (six digits, none when all zero),
        # which values read unprepared are given in too (db/sql_text.h).
        assert rows[0].split("\t") == [
            "1", "2024-02-29 23:59:59.123000", "2024-02-29 23:59:59", "2024-02-29 23:59:59.120000", "2024-02-29",
            "9999999999.99", "0.1500", "0.15", "9223372036854775807", "9223372036854775807", "-2147483648", "1",
            "caf\u00e9 \U0001F600", "line\\nbreak", '{"a": [1, 2.5, "\u00e9"]}', "123e4567-e89b-12d3-a456-426614174000"]
        assert rows[1].split("\t")[1:4] == ["2026-01-01 00:00:00", "2026-01-01 00:00:00", "2026-01-01 00:00:00.001000"]
        assert rows[1].split("\t")[5] == "-12.50" and rows[1].split("\t")[8] == "-9223372036854775808"
        assert rows[1].split("\t")[12] == "2024-02-29 23:59:59.120"  # text that looks like a time: as it is
        assert rows[2].split("\t")[1:] == ["\\N"] * 15, rows[2]


def test_computed_values_read_back_the_same_either_way():
    with Table():
        ecom.sql(f"INSERT INTO {TABLE} (id, money, discount, at3) VALUES (1, '10.01', '0.15', '2024-01-02 03:04:05.678'), "
                 f"(2, '0.99', '0.10', NULL)", db=ecom.control_db())
        rows = both(f"SELECT COUNT(*) AS i_count, SUM(money), ROUND(SUM(money * (1 - discount)), 2), MAX(at3), "
                    f"DATE_FORMAT(MAX(at3), '%Y-%m-%dT%H:%i:%s.%fZ'), ? AS label, ? AS i_param, ? AS nothing "
                    f"FROM {qualified()}", "s:x'y", "i:-7", "null")
        assert rows == ["2\t11.00\t9.40\t2024-01-02 03:04:05.678000\t2024-01-02T03:04:05.678000Z\tx'y\t-7\t\\N"], rows


def test_strings_are_written_and_matched_exactly_either_way():
    with Table():
        for mode in ("--plain", "--prepared"):
            for k, value in enumerate(HOSTILE):
                row_id = (100 if mode == "--plain" else 200) + k
                proc = probe(mode, f"INSERT INTO {qualified()} (id, name, body, money) VALUES (?, ?, ?, ?)",
                             f"i:{row_id}", f"s:{value}", f"s:{value}", "s:19.99")
                assert proc.returncode == 0 and proc.stdout == "affected 1\n", (mode, value, ecom.describe(proc))
        # Stored byte for byte as given (read back by the mariadb client, in hex).
        for k, value in enumerate(HOSTILE):
            expected = value.encode("utf-8").hex().upper()
            got = ecom.sql(f"SELECT HEX(name), HEX(body), money FROM {TABLE} WHERE id IN ({100 + k}, {200 + k})",
                           db=ecom.control_db())
            assert got == [[expected, expected, "19.99"]] * 2, (value, got)
        # A hostile string matches only its own row, either way.
        for k, value in enumerate(HOSTILE):
            rows = both(f"SELECT id AS i_id FROM {qualified()} WHERE name = ? AND body = ? ORDER BY id",
                        f"s:{value}", f"s:{value}")
            assert rows == [str(100 + k), str(200 + k)], (value, rows)
        # An update's affected rows are counted the same way.
        proc = probe("--plain", f"UPDATE {qualified()} SET money = ? WHERE id >= ?", "s:1.50", "i:200")
        assert proc.stdout == f"affected {len(HOSTILE)}\n", ecom.describe(proc)
        assert ecom.sql_value(f"SELECT COUNT(*) FROM {TABLE} WHERE money = 1.50", db=ecom.control_db()) == str(len(HOSTILE))


def test_a_parameter_count_that_does_not_match_is_an_error_either_way():
    for mode in ("--plain", "--prepared"):
        proc = probe(mode, "SELECT ?, ?", "i:1")
        assert proc.returncode == 3 and proc.stdout.startswith("error "), (mode, ecom.describe(proc))
