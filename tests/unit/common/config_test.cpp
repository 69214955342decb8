#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdlib>
#include <string>

#include "common/config.h"

using ecom::parse_config;

namespace {
bool any_error_contains(const ecom::ConfigResult& r, const std::string& needle) {
  for (const auto& e : r.errors)
    if (e.find(needle) != std::string::npos) return true;
  return false;
}
std::string all_errors(const ecom::ConfigResult& r) {
  std::string s;
  for (const auto& e : r.errors) s += e + "; ";
  return s;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(config)

BOOST_AUTO_TEST_CASE(empty_text_gives_defaults) {
  auto r = parse_config("", false);
  BOOST_TEST_REQUIRE(r.ok(), all_errors(r));
  ecom::Config d;
  BOOST_TEST(r.config.listen == d.listen);
  BOOST_TEST(r.config.listen_mode == 0660);
  BOOST_TEST(r.config.workers == 0);
  BOOST_TEST(r.config.backlog == 511);
  BOOST_TEST(r.config.max_body_bytes == 1048576);
  BOOST_TEST(r.config.db_url == "unix:///run/mysqld/mysqld.sock");
  BOOST_TEST(r.config.control_schema == "ecom_control");
}

BOOST_AUTO_TEST_CASE(reads_every_section) {
  auto r = parse_config(
      "[server]\n"
      "listen = 127.0.0.1:9000\n"
      "workers = 4\n"
      "backlog = 128\n"
      "pid_file = /run/ecom.pid\n"
      "graceful_timeout = 30\n"
      "max_body_bytes = 2048\n"
      "[database]\n"
      "url = tcp://db:3306\n"
      "control_schema = ctl\n"
      "user = app\n"
      "password = \"p@ss; word\"\n"
      "connect_timeout = 5\n"
      "[admin_database]\n"
      "user = root\n"
      "password = secret\n"
      "[tenancy]\n"
      "cache_ttl_ms = 0\n"
      "[paths]\n"
      "seed_file = /tmp/seed.sql\n"
      "[log]\n"
      "file = /var/log/ecom.log\n",
      false);
  BOOST_TEST_REQUIRE(r.ok(), all_errors(r));
  BOOST_TEST(r.config.listen == "127.0.0.1:9000");
  BOOST_TEST(r.config.workers == 4);
  BOOST_TEST(r.config.backlog == 128);
  BOOST_TEST(r.config.pid_file == "/run/ecom.pid");
  BOOST_TEST(r.config.graceful_timeout == 30);
  BOOST_TEST(r.config.max_body_bytes == 2048);
  BOOST_TEST(r.config.db_url == "tcp://db:3306");
  BOOST_TEST(r.config.control_schema == "ctl");
  BOOST_TEST(r.config.db_user == "app");
  BOOST_TEST(r.config.db_password == "p@ss; word");
  BOOST_TEST(r.config.db_connect_timeout == 5);
  BOOST_TEST(r.config.admin_user == "root");
  BOOST_TEST(r.config.admin_password == "secret");
  BOOST_TEST(r.config.tenant_cache_ttl_ms == 0);
  BOOST_TEST(r.config.seed_file == "/tmp/seed.sql");
  BOOST_TEST(r.config.log_file == "/var/log/ecom.log");
}

BOOST_AUTO_TEST_CASE(unknown_key_is_an_error) {
  auto r = parse_config("[server]\nworkerz = 4\n", false);
  BOOST_TEST(!r.ok());
  BOOST_TEST(any_error_contains(r, "server.workerz"), all_errors(r));
  auto r2 = parse_config("[nosuch]\nkey = 1\n", false);
  BOOST_TEST(!r2.ok());
  BOOST_TEST(any_error_contains(r2, "nosuch.key"), all_errors(r2));
  auto r3 = parse_config("listen = /x\n", false);  // outside any section
  BOOST_TEST(!r3.ok());
}

BOOST_AUTO_TEST_CASE(key_lookup_is_case_insensitive) {
  auto r = parse_config("[SERVER]\nWorkers = 3\n", false);
  BOOST_TEST_REQUIRE(r.ok(), all_errors(r));
  BOOST_TEST(r.config.workers == 3);
}

BOOST_AUTO_TEST_CASE(bad_integer_is_an_error) {
  for (const char* v : {"abc", "4.5", "", "0x10", "4 workers"}) {
    auto r = parse_config(std::string("[server]\nworkers = ") + v + "\n", false);
    BOOST_TEST(!r.ok(), "workers = '" << v << "'");
    BOOST_TEST(any_error_contains(r, "server.workers"), all_errors(r));
  }
}

BOOST_AUTO_TEST_CASE(out_of_range_integer_is_an_error) {
  auto r = parse_config("[server]\nworkers = 257\n", false);
  BOOST_TEST(!r.ok());
  BOOST_TEST(any_error_contains(r, "server.workers"), all_errors(r));
  auto r2 = parse_config("[server]\nbacklog = 0\n", false);
  BOOST_TEST(!r2.ok());
  auto r3 = parse_config("[server]\nmax_body_bytes = 1023\n", false);
  BOOST_TEST(!r3.ok());
  auto r4 = parse_config("[server]\nworkers = 256\n", false);
  BOOST_TEST(r4.ok(), all_errors(r4));
  BOOST_TEST(r4.config.workers == 256);
}

BOOST_AUTO_TEST_CASE(bad_value_keeps_default) {
  auto r = parse_config("[server]\nworkers = many\n", false);
  BOOST_TEST(!r.ok());
  BOOST_TEST(r.config.workers == 0);
}

BOOST_AUTO_TEST_CASE(reports_every_error) {
  auto r = parse_config("[server]\nworkers = x\nbacklog = y\nbogus = 1\n", false);
  BOOST_TEST(r.errors.size() == 3u, all_errors(r));
}

BOOST_AUTO_TEST_CASE(listen_mode_is_octal) {
  auto r = parse_config("[server]\nlisten_mode = 0600\n", false);
  BOOST_TEST_REQUIRE(r.ok(), all_errors(r));
  BOOST_TEST(r.config.listen_mode == 0600);
  BOOST_TEST(r.config.listen_mode == 384);
  auto r2 = parse_config("[server]\nlisten_mode = 660\n", false);
  BOOST_TEST_REQUIRE(r2.ok(), all_errors(r2));
  BOOST_TEST(r2.config.listen_mode == 0660);
  auto r3 = parse_config("[server]\nlisten_mode = 0777\n", false);
  BOOST_TEST(r3.ok(), all_errors(r3));
  BOOST_TEST(r3.config.listen_mode == 0777);
}

BOOST_AUTO_TEST_CASE(bad_listen_mode_is_an_error) {
  for (const char* v : {"0800", "8", "rw-rw----", "", "01000", "-1", "0x1ff"}) {
    auto r = parse_config(std::string("[server]\nlisten_mode = ") + v + "\n", false);
    BOOST_TEST(!r.ok(), "listen_mode = '" << v << "'");
    BOOST_TEST(any_error_contains(r, "server.listen_mode"), all_errors(r));
  }
}

BOOST_AUTO_TEST_CASE(validates_database_url_and_schema) {
  auto r = parse_config("[database]\nurl = http://db\n", false);
  BOOST_TEST(!r.ok());
  BOOST_TEST(any_error_contains(r, "database.url"), all_errors(r));
  auto r2 = parse_config("[database]\ncontrol_schema = bad-name\n", false);
  BOOST_TEST(!r2.ok());
  BOOST_TEST(any_error_contains(r2, "control_schema"), all_errors(r2));
  auto r3 = parse_config("[server]\nlisten =\n", false);
  BOOST_TEST(!r3.ok());
  BOOST_TEST(any_error_contains(r3, "server.listen"), all_errors(r3));
}

BOOST_AUTO_TEST_CASE(database_url_takes_several_addresses) {
  auto r = parse_config("[database]\nurl = tcp://127.0.0.1:3306, tcp://127.0.0.1:3307,unix:///run/n3.sock\n", false);
  BOOST_TEST(r.ok(), all_errors(r));
  auto a = ecom::database_addresses(r.config.db_url);
  BOOST_TEST(a.size() == 3u);
  BOOST_TEST(a[0] == "tcp://127.0.0.1:3306");
  BOOST_TEST(a[1] == "tcp://127.0.0.1:3307");
  BOOST_TEST(a[2] == "unix:///run/n3.sock");
  BOOST_TEST(ecom::database_addresses("tcp://db:1").size() == 1u);
  for (const char* bad : {"tcp://a:1,http://b", "tcp://a:1,,", ",", "tcp://", "tcp://a:1,tcp://"}) {
    auto rb = parse_config(std::string("[database]\nurl = ") + bad + "\n", false);
    BOOST_TEST(!rb.ok(), bad);
    BOOST_TEST(any_error_contains(rb, "database.url"), all_errors(rb));
  }
  std::string nine;
  for (int i = 0; i < 9; ++i) nine += (i ? "," : "") + std::string("tcp://h:") + std::to_string(3300 + i);
  BOOST_TEST(!parse_config("[database]\nurl = " + nine + "\n", false).ok());
}

BOOST_AUTO_TEST_CASE(ini_syntax_error_is_reported_with_line) {
  auto r = parse_config("[server]\nworkers 4\n", false);
  BOOST_TEST(!r.ok());
  BOOST_TEST(any_error_contains(r, "line 2"), all_errors(r));
}

BOOST_AUTO_TEST_CASE(environment_overrides_file_only_when_enabled) {
  ::setenv("ECOM_SERVER_WORKERS", "7", 1);
  auto with_env = parse_config("[server]\nworkers = 3\n", true);
  auto without_env = parse_config("[server]\nworkers = 3\n", false);
  ::setenv("ECOM_SERVER_WORKERS", "lots", 1);
  auto bad_env = parse_config("[server]\nworkers = 3\n", true);
  ::unsetenv("ECOM_SERVER_WORKERS");
  auto unset = parse_config("[server]\nworkers = 3\n", true);

  BOOST_TEST_REQUIRE(with_env.ok(), all_errors(with_env));
  BOOST_TEST(with_env.config.workers == 7);
  BOOST_TEST(without_env.config.workers == 3);
  BOOST_TEST(!bad_env.ok());
  BOOST_TEST(any_error_contains(bad_env, "ECOM_SERVER_WORKERS"), all_errors(bad_env));
  BOOST_TEST(unset.config.workers == 3);
}

BOOST_AUTO_TEST_CASE(workers_default_to_two_per_cpu_and_hashes_to_half_of_them) {
  ecom::Config c;
  c.workers = 3;
  BOOST_TEST(ecom::worker_count(c) == 3);
  BOOST_TEST(ecom::hash_concurrency(c) == 1);
  c.workers = 0;
  BOOST_TEST(ecom::worker_count(c) == ecom::kWorkersPerCpu * ecom::cpu_count());
  BOOST_TEST(ecom::hash_concurrency(c) == std::max(1, ecom::worker_count(c) / 2));
  c.max_concurrent_hashes = 5;
  BOOST_TEST(ecom::hash_concurrency(c) == 5);
  BOOST_TEST(!parse_config("[server]\nworkers = " + std::to_string(ecom::kMaxWorkers + 1) + "\n", false).ok());
  BOOST_TEST(parse_config("[server]\nworkers = " + std::to_string(ecom::kMaxWorkers) + "\n", false).ok());
}

BOOST_AUTO_TEST_CASE(db_server_sections_give_each_server_its_accounts) {
  auto r = parse_config(
      "[database]\nuser=app\npassword=pw0\n[admin_database]\nuser=adm\npassword_file=/etc/a0\n"
      "[db_server.db2]\npassword=pw2\nadmin_password_file=/etc/a2\n"
      "[db_server.db-3]\nuser=app3\nadmin_user=adm3\n",
      false);
  BOOST_TEST_REQUIRE(r.ok(), all_errors(r));
  const auto& c = r.config;
  BOOST_TEST(c.db_servers.size() == 2u);
  BOOST_TEST((ecom::db_server_app_login(c, "db2") == std::make_pair(std::string("app"), std::string("pw2"))));
  BOOST_TEST((ecom::db_server_app_login(c, "db-3") == std::make_pair(std::string("app3"), std::string("pw0"))));
  // A server without a section uses the default server's accounts.
  BOOST_TEST((ecom::db_server_app_login(c, "other") == std::make_pair(std::string("app"), std::string("pw0"))));
  BOOST_TEST(ecom::db_server_admin_user(c, "db2") == "adm");
  BOOST_TEST(ecom::db_server_admin_user(c, "db-3") == "adm3");
  BOOST_TEST(c.db_servers.at("db2").admin_password_file == "/etc/a2");
}

BOOST_AUTO_TEST_CASE(db_server_admin_login_is_the_sections_account_else_the_default_servers) {
  auto r = parse_config("[admin_database]\nuser=adm\n[db_server.db2]\nadmin_user=adm2\n"
                        "admin_password_file=/nonexistent/ecom-admin2\n[db_server.db3]\nuser=app3\n",
                        false);
  BOOST_TEST_REQUIRE(r.ok(), all_errors(r));
  ecom::Config c = r.config;
  c.admin_password = "held";  // as ecom-provision and the agent hold it once read
  std::string error;
  auto login = ecom::db_server_admin_login(c, "", error);
  BOOST_TEST_REQUIRE(login.has_value());
  BOOST_TEST((*login == std::make_pair(std::string("adm"), std::string("held"))));
  login = ecom::db_server_admin_login(c, "db3", error);  // a section without admin keys
  BOOST_TEST_REQUIRE(login.has_value());
  BOOST_TEST((*login == std::make_pair(std::string("adm"), std::string("held"))));
  login = ecom::db_server_admin_login(c, "db2", error);  // its own file, unreadable here
  BOOST_TEST(!login.has_value());
  BOOST_TEST(error.find("db_server.db2.admin_password_file") != std::string::npos, error);
}

BOOST_AUTO_TEST_CASE(db_server_sections_refuse_clear_admin_passwords_bad_names_and_unknown_keys) {
  auto r = parse_config("[db_server.db2]\nadmin_password=secret\n", false);
  BOOST_TEST(any_error_contains(r, "admin_password_file"), all_errors(r));
  r = parse_config("[db_server.default]\npassword=x\n", false);
  BOOST_TEST(any_error_contains(r, "[database]"), all_errors(r));
  r = parse_config("[db_server.bad name]\npassword=x\n", false);
  BOOST_TEST(!r.ok());
  r = parse_config("[db_server.db2]\nurl=tcp://h:1\n", false);
  BOOST_TEST(any_error_contains(r, "unknown key db_server.db2.url"), all_errors(r));
}

BOOST_AUTO_TEST_CASE(db_server_keys_can_come_from_the_environment) {
  setenv("ECOM_DB_SERVER_DB_2_PASSWORD", "from-env", 1);
  auto r = parse_config("[db_server.db-2]\npassword=in-file\n", true);
  unsetenv("ECOM_DB_SERVER_DB_2_PASSWORD");
  BOOST_TEST_REQUIRE(r.ok(), all_errors(r));
  BOOST_TEST(ecom::db_server_app_login(r.config, "db-2").second == "from-env");
}

BOOST_AUTO_TEST_SUITE_END()
