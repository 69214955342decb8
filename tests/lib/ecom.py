"""Helpers for the black-box tests, in one namespace: `import ecom` then `ecom.http(...)`,
`ecom.sql(...)`, `ecom.new_store()`, ...

Each concern lives in its own module, re-exported here:
  stack_env    the stack under test as the environment names it (ECOM_BASE_URL, ECOM_VAR_DIR,
               ECOM_CONFIG, ECOM_BIN_DIR, ECOM_REPO_DIR), its secrets and config; wait_until
  http_client  HTTP requests, Response, Headers, client addresses, tenant headers
  assertions   Problem responses (assert_problem, assert_429, assert_validation, ...), request
               ids, timestamps, money (dec, round2)
  sql          the mariadb CLI, the superuser, sql/sql_value/sql_script, q, schema_of
  tokens       JWT encoding and checking, the stack's secrets, forged and minted tokens
  processes    the ecom-provision CLI, the provisioner loop, pid checks, throwaway stacks
  fixtures     stores (CLI and HTTP sign-up), status and overrides, categories and products
Standard library only.
"""

from stack_env import *  # noqa: F401,F403
from stack_env import _env, _read_kv_file  # noqa: F401
from http_client import *  # noqa: F401,F403
from http_client import _RANDOM_CLIENT_NETS  # noqa: F401
from assertions import *  # noqa: F401,F403
from sql import *  # noqa: F401,F403
from sql import _SUPERUSER, _unescape_batch  # noqa: F401
from tokens import *  # noqa: F401,F403
from tokens import _HMAC_ALGS, _TOKEN_SECRETS, _compact  # noqa: F401
from processes import *  # noqa: F401,F403
from fixtures import *  # noqa: F401,F403
