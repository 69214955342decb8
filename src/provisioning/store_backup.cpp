#include "provisioning/store_backup.h"

#include <cjson/cJSON.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <tuple>

#include "common/clock.h"
#include "common/uuid.h"
#include "db/identifier.h"
#include "http/json_writer.h"
#include "provisioning/db_servers.h"
#include "provisioning/store_dump.h"
#include "tenancy/slug.h"
#include "tenancy/tenant.h"

namespace ecom::provisioning {
namespace {

// The administrative user and password on database server `server` (db_server_admin_login), for
// the client programs.
std::pair<std::string, std::string> admin_login(const Config& cfg, const std::string& server) {
  std::string error;
  auto login = db_server_admin_login(cfg, server, error);
  if (!login) throw ProvisionError(ProvisionError::Failed, error);
  return *login;
}

const char* const kMagic = "-- ecom-store-backup format ";
const char* const kTrailer = "-- ecom-store-backup end\n";
// The control tables holding a store's rows, and the column naming the store in each. The
// provisioning steps and jobs are the history of how a store was built: a restore records its own.
const char* const kControlTables[][2] = {
    {"tenants", "id"}, {"tenant_feature_overrides", "tenant_id"}, {"tenant_limit_overrides", "tenant_id"}};

struct CJsonFree {
  void operator()(cJSON* p) const { cJSON_Delete(p); }
};
using Json = std::unique_ptr<cJSON, CJsonFree>;

// A descriptor closed on destruction.
struct Fd {
  int fd = -1;
  Fd() = default;
  explicit Fd(int f) : fd(f) {}
  ~Fd() { reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  void reset() {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
};

std::string sys_error(const std::string& what) { return what + ": " + std::strerror(errno); }

void make_pipe(Fd& read_end, Fd& write_end) {
  int p[2];
  if (::pipe2(p, O_CLOEXEC) != 0) throw std::runtime_error(sys_error("pipe"));
  read_end.fd = p[0];
  write_end.fd = p[1];
}

void write_all(int fd, const char* data, size_t size) {
  size_t done = 0;
  while (done < size) {
    ssize_t n = ::write(fd, data + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw std::runtime_error(sys_error("write"));
    done += static_cast<size_t>(n);
  }
}
void write_all(int fd, const std::string& s) { write_all(fd, s.data(), s.size()); }

// ---------------------------------------------------------------- the control rows

std::vector<std::string> columns_of(db::Connection& c, const std::string& schema, const std::string& table) {
  auto r = c.query(
      "SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? "
      "ORDER BY ORDINAL_POSITION",
      {schema, table});
  std::vector<std::string> out;
  while (r.next()) out.push_back(r.str(0));
  return out;
}

// {"tenants":[{...}], ...}: every column of every row of the store, as text or null.
std::string control_rows_json(db::Connection& c, const std::string& control_schema, const std::string& id) {
  std::string out;
  http::JsonWriter w(out);
  w.begin_object();
  for (const auto& [table, key] : kControlTables) {
    auto cols = columns_of(c, control_schema, table);
    std::string select = "SELECT ";
    for (size_t i = 0; i < cols.size(); ++i) select += (i ? ", " : "") + db::quote_identifier(cols[i]);
    select += " FROM " + db::quote_identifier(table) + " WHERE " + db::quote_identifier(key) + " = ?";
    auto r = c.query(select, {id});
    w.key(table).begin_array();
    while (r.next()) {
      w.begin_object();
      for (size_t i = 0; i < cols.size(); ++i) {
        w.key(cols[i]);
        if (r.is_null(static_cast<int>(i)))
          w.null();
        else
          w.string(r.str(static_cast<int>(i)));
      }
      w.end_object();
    }
    w.end_array();
  }
  w.end_object();
  return out;
}

std::string header_json(const BackupHeader& h) {
  std::string out;
  http::JsonWriter w(out);
  w.begin_object();
  write_header_fields(w, h);
  w.end_object();
  return out;
}

int64_t migration_level(db::Connection& admin, const std::string& schema) {
  auto r = admin.query("SELECT COALESCE(MAX(version), 0) FROM " + db::quote_identifier(schema) + ".schema_migrations");
  return r.next() ? r.i64(0) : 0;
}

// ---------------------------------------------------------------- writing a backup

// Copies the dump from `in` to `out`, dropping the DEFINER clause of trigger (and routine)
// definitions so that the objects are created by whoever loads the dump. Only lines that
// begin a definition are touched; data lines never begin that way (mariadb-dump escapes
// line breaks inside values).
void copy_without_definers(int in, int out) {
  static const std::string kTrigger = "/*!50003 CREATE*/ /*!50017 DEFINER=";
  std::string line;
  char buf[65536];
  auto flush_line = [&](bool complete) {
    if (complete && line.rfind(kTrigger, 0) == 0) {
      auto end = line.find("*/", kTrigger.size());
      if (end != std::string::npos) line = "/*!50003 CREATE*/ " + line.substr(end + 3);
    }
    write_all(out, line);
    line.clear();
  };
  for (;;) {
    ssize_t n = ::read(in, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw std::runtime_error(sys_error("reading mariadb-dump's output"));
    if (n == 0) break;
    size_t start = 0;
    for (size_t i = 0; i < static_cast<size_t>(n); ++i) {
      if (buf[i] != '\n') continue;
      line.append(buf + start, i + 1 - start);
      start = i + 1;
      flush_line(true);
    }
    line.append(buf + start, static_cast<size_t>(n) - start);
  }
  flush_line(false);
}

std::vector<std::string> dump_arguments(const ClientOptionsFile& opts, const std::string& schema) {
  return {"mariadb-dump", opts.option(), "--single-transaction", "--routines", "--triggers", "--skip-lock-tables",
          "--skip-add-locks", "--no-tablespaces", "--no-create-db", "--hex-blob", "--default-character-set=utf8mb4",
          "--", schema};
}

// gzip of `head`, the store's dump and the trailer, into `out_fd`.
void write_compressed(const Config& cfg, const TenantRecord& t, const std::string& head, int out_fd) {
  Fd gz_in, gz_feed;
  make_pipe(gz_in, gz_feed);
  Child gzip({"gzip", "-c", "-6"}, gz_in.fd, out_fd);
  gz_in.reset();
  write_all(gz_feed.fd, head);
  {
    Fd dump_out, dump_in;
    make_pipe(dump_out, dump_in);
    auto [user, password] = admin_login(cfg, t.server_name);
    ClientOptionsFile opts(t.server_url, user, password);
    Child dump(dump_arguments(opts, t.schema), -1, dump_in.fd);
    dump_in.reset();
    copy_without_definers(dump_out.fd, gz_feed.fd);
    expect_success("mariadb-dump", dump.wait());
  }
  write_all(gz_feed.fd, kTrailer);
  gz_feed.reset();
  expect_success("gzip", gzip.wait());
}

// The directory of `file` ("." when it names none).
std::string directory_of(const std::string& file) {
  auto slash = file.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : file.substr(0, slash);
}

void sync_directory(const std::string& dir) {
  Fd d(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (d.fd >= 0) ::fsync(d.fd);
}

// ---------------------------------------------------------------- reading a backup

struct BackupFile {
  BackupHeader header;
  Json control;
  int64_t dump_offset = 0;  // where the SQL starts in the uncompressed text
};

[[noreturn]] void invalid(const std::string& file, const std::string& why) {
  throw ProvisionError(ProvisionError::Failed, file + " is not a valid store backup: " + why);
}

// `gzip -dc FILE` into `out_fd`; a truncated or corrupt file is refused here.
void decompress(const std::string& file, int out_fd) {
  Fd in(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (in.fd < 0) throw ProvisionError(ProvisionError::Failed, sys_error("cannot read " + file));
  Child gzip({"gzip", "-dc"}, in.fd, out_fd);
  auto r = gzip.wait();
  if (r.status != 0) invalid(file, "gzip says: " + (r.errors.empty() ? "exit status " + std::to_string(r.status) : r.errors));
}

std::string json_text(const cJSON* o, const char* name) {
  const cJSON* v = cJSON_GetObjectItemCaseSensitive(o, name);
  return cJSON_IsString(v) ? v->valuestring : "";
}

BackupHeader parse_header(const std::string& file, const std::string& line) {
  const std::string prefix = "-- header ";
  if (line.rfind(prefix, 0) != 0) invalid(file, "no header line");
  Json h(cJSON_Parse(line.c_str() + prefix.size()));
  if (!h || !cJSON_IsObject(h.get())) invalid(file, "the header is not JSON");
  BackupHeader out;
  const cJSON* format = cJSON_GetObjectItemCaseSensitive(h.get(), "format");
  const cJSON* level = cJSON_GetObjectItemCaseSensitive(h.get(), "migrationLevel");
  if (!cJSON_IsNumber(format) || !cJSON_IsNumber(level)) invalid(file, "the header lacks format or migrationLevel");
  out.format = format->valueint;
  out.migration_level = static_cast<int64_t>(level->valuedouble);
  out.slug = json_text(h.get(), "slug");
  out.store_id = json_text(h.get(), "storeId");
  out.schema = json_text(h.get(), "schema");
  out.created_at = json_text(h.get(), "createdAt");
  if (out.format != kBackupFormat)
    invalid(file, "format version " + std::to_string(out.format) + " (this ecom-provision reads version " +
                      std::to_string(kBackupFormat) + ")");
  if (!tenancy::valid_slug(out.slug) || !uuid::is_valid(out.store_id) ||
      out.schema != db::tenant_schema_name(out.slug))
    invalid(file, "the header's slug, store id or schema is malformed");
  return out;
}

// The header lines, the control rows and the trailer of an uncompressed backup.
BackupFile read_backup(const std::string& file, const std::string& text_path) {
  std::ifstream in(text_path, std::ios::binary);
  std::string magic, header, control;
  if (!std::getline(in, magic) || magic.rfind(kMagic, 0) != 0) invalid(file, "it is not an ecom store backup");
  if (magic != kMagic + std::to_string(kBackupFormat))
    invalid(file, "format version " + magic.substr(std::strlen(kMagic)) + " (this ecom-provision reads version " +
                      std::to_string(kBackupFormat) + ")");
  if (!std::getline(in, header) || !std::getline(in, control)) invalid(file, "it ends inside its header");
  BackupFile b;
  b.header = parse_header(file, header);
  const std::string prefix = "-- control ";
  if (control.rfind(prefix, 0) != 0) invalid(file, "no control rows");
  b.control.reset(cJSON_Parse(control.c_str() + prefix.size()));
  const cJSON* tenants = b.control ? cJSON_GetObjectItemCaseSensitive(b.control.get(), "tenants") : nullptr;
  if (!cJSON_IsArray(tenants) || cJSON_GetArraySize(tenants) != 1) invalid(file, "the control rows are malformed");
  b.dump_offset = static_cast<int64_t>(in.tellg());
  // The trailer, written after mariadb-dump succeeded: a dump cut short lacks it.
  in.seekg(0, std::ios::end);
  const auto size = static_cast<int64_t>(in.tellg());
  const auto trailer_size = static_cast<int64_t>(std::strlen(kTrailer));
  std::string tail(static_cast<size_t>(trailer_size), '\0');
  if (size - trailer_size < b.dump_offset) invalid(file, "it holds no dump");
  in.seekg(size - trailer_size);
  in.read(tail.data(), trailer_size);
  if (!in || tail != kTrailer) invalid(file, "the dump is incomplete");
  return b;
}

// ---------------------------------------------------------------- restoring

// Where the restored store goes: the server named (refused when unknown, draining or full), or
// where a new store would go.
DbServer restore_server(Provisioner& p, const std::string& name) {
  Placement placed = place_store(p.control(), name);
  if (placed.outcome == Placement::Unknown)
    throw ProvisionError(ProvisionError::NotFound, "no database server named '" + name + "'");
  if (placed.outcome != Placement::Placed) throw ProvisionError(ProvisionError::Failed, placed.message);
  return placed.server;
}

bool schema_exists(db::Connection& admin, const std::string& schema) {
  auto r = admin.query("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", {schema});
  return r.next() && r.i64(0) > 0;
}

bool id_taken(Provisioner& p, const std::string& id) {
  auto r = p.control().query("SELECT COUNT(*) FROM tenants WHERE id = ?", {id});
  return r.next() && r.i64(0) > 0;
}

// Inserts the backup's rows of `table`, with the values of `replace` instead of theirs. Only
// the columns the table has here are written; one it has and the backup lacks keeps its default.
void insert_rows(db::Connection& c, const std::string& control_schema, const std::string& table, const cJSON* rows,
                 const std::map<std::string, db::Param>& replace) {
  auto cols = columns_of(c, control_schema, table);
  const cJSON* row = nullptr;
  cJSON_ArrayForEach(row, rows) {
    if (!cJSON_IsObject(row)) throw std::runtime_error("a control row of " + table + " is malformed");
    std::string names, marks;
    std::vector<db::Param> params;
    for (const auto& col : cols) {
      auto r = replace.find(col);
      const cJSON* v = cJSON_GetObjectItemCaseSensitive(row, col.c_str());
      if (r == replace.end() && !v) continue;
      names += (names.empty() ? "" : ", ") + db::quote_identifier(col);
      marks += marks.empty() ? "?" : ", ?";
      if (r != replace.end())
        params.push_back(r->second);
      else if (cJSON_IsString(v))
        params.emplace_back(std::string(v->valuestring));
      else
        params.emplace_back(nullptr);
    }
    c.exec("INSERT INTO " + db::quote_identifier(table) + " (" + names + ") VALUES (" + marks + ")", params);
  }
}

struct Target {
  std::string id, slug, schema, server_url, server_name;
  int64_t server_id = 0;
};

// The store's control rows, Provisioning, with three Pending steps; SlugTaken when the slug went.
void insert_control_rows(Provisioner& p, const Config& cfg, const BackupFile& b, const Target& t) {
  const cJSON* tenant = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(b.control.get(), "tenants"), 0);
  std::map<std::string, db::Param> replace{{"id", t.id},
                                           {"slug", t.slug},
                                           {"schema_name", t.schema},
                                           {"db_server_id", t.server_id},
                                           {"status", std::string(tenancy::state::kProvisioning)}};
  if (json_text(tenant, "status") == tenancy::state::kSuspended) replace["suspended"] = std::string("1");
  auto& c = p.control();
  db::Transaction tx(c);
  try {
    insert_rows(c, cfg.control_schema, "tenants", cJSON_GetObjectItemCaseSensitive(b.control.get(), "tenants"), replace);
  } catch (const db::Error& e) {
    if (e.is_duplicate_of("uq_tenants_slug") || e.is_duplicate_of("uq_tenants_schema"))
      throw ProvisionError(ProvisionError::SlugTaken, "slug '" + t.slug + "' is already taken");
    throw;
  }
  for (const char* table : {"tenant_feature_overrides", "tenant_limit_overrides"}) {
    const cJSON* rows = cJSON_GetObjectItemCaseSensitive(b.control.get(), table);
    if (cJSON_IsArray(rows)) insert_rows(c, cfg.control_schema, table, rows, {{"tenant_id", t.id}});
  }
  for (int i = 0; i < 3; ++i)
    c.exec("INSERT INTO provisioning_steps (tenant_id, step, position) VALUES (?, ?, ?)",
           {t.id, std::string(kStepNames[i]), static_cast<int64_t>(i)});
  tx.commit();
}

// The SQL of the backup (from `offset` of the uncompressed text) into `schema`, by the client.
void load_dump(const Config& cfg, const Target& t, const std::string& text_path, int64_t offset) {
  Fd in(::open(text_path.c_str(), O_RDONLY | O_CLOEXEC));
  if (in.fd < 0 || ::lseek(in.fd, offset, SEEK_SET) != offset) throw std::runtime_error(sys_error("reading the dump"));
  auto [user, password] = admin_login(cfg, t.server_name);
  ClientOptionsFile opts(t.server_url, user, password);
  Child client({"mariadb", opts.option(), "--batch", "--default-character-set=utf8mb4", "--database=" + t.schema},
               in.fd, -1);
  expect_success("mariadb", client.wait());
}

// CreateDatabase (as the provisioner does: the store's id in the comment), the dump and any
// pending migrations, then Ready. Each step is recorded as the provisioner records its own.
std::vector<std::string> build_store(Provisioner& p, const Config& cfg, const BackupFile& b, const Target& t,
                                     const std::string& text_path, bool& made_schema) {
  auto& store = p.store();
  auto& admin = p.admin(t.server_url, t.server_name);
  store.step_started(t.id, kStepNames[0]);
  admin.execute("CREATE DATABASE " + db::quote_identifier(t.schema) +
                " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci COMMENT 'ecom store " + t.id + "'");
  made_schema = true;
  store.step_succeeded(t.id, kStepNames[0], "Database " + t.schema + " created for a restore");
  store.step_started(t.id, kStepNames[1]);
  load_dump(cfg, t, text_path, b.dump_offset);
  auto applied = db::apply_migrations(admin, t.schema, p.tenant_migrations()).applied;
  store.step_succeeded(t.id, kStepNames[1],
                       "Backup of " + b.header.slug + " made " + b.header.created_at + " (migration level " +
                           std::to_string(b.header.migration_level) + ") loaded; " + std::to_string(applied.size()) +
                           " migrations applied");
  store.step_started(t.id, kStepNames[2]);
  store.step_succeeded(t.id, kStepNames[2], "Not seeded: the data come from the backup");
  store.set_status(t.id, tenancy::state::kReady);
  return applied;
}

// Removes what a failed restore made: the schema (only when it created it) and the rows.
void undo(Provisioner& p, const Target& t, bool made_schema) {
  try {
    if (made_schema) p.admin(t.server_url, t.server_name).execute("DROP DATABASE IF EXISTS " + db::quote_identifier(t.schema));
  } catch (const std::exception&) {
  }
  try {
    p.control().exec("DELETE FROM tenants WHERE id = ?", {t.id});
  } catch (const std::exception&) {
  }
}

}  // namespace

void write_header_fields(http::JsonWriter& w, const BackupHeader& h) {
  w.field("format", h.format)
      .field("slug", h.slug)
      .field("storeId", h.store_id)
      .field("schema", h.schema)
      .field("migrationLevel", h.migration_level)
      .field("createdAt", h.created_at);
}

BackupOutcome backup_store(Provisioner& p, const Config& cfg, const std::string& slug, const std::string& file) {
  auto t = p.store().find_by_slug(slug);
  if (!t) throw ProvisionError(ProvisionError::NotFound, "no store with slug '" + slug + "'");
  if (!t->schema_is_derived())
    throw ProvisionError(ProvisionError::Failed, "the schema name recorded for this store is not the one its slug gives");
  if (t->provisioning_status != tenancy::state::kReady)
    throw ProvisionError(ProvisionError::Failed, "the store is not ready (" + t->provisioning_status + "); repair it first");
  struct stat st {};
  if (::stat(file.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
    throw ProvisionError(ProvisionError::Invalid, file + " is a directory");
  const std::string dir = directory_of(file);
  TempFile out(dir, "." + file.substr(file.rfind('/') == std::string::npos ? 0 : file.rfind('/') + 1) + ".tmp-");
  auto& admin = p.admin(t->server_url, t->server_name);
  // No migration may change the schema while it is dumped (the runner takes the same lock).
  db::NamedLock lock(admin, "ecom_migrate:" + t->schema, 30);
  if (!lock.acquired()) throw ProvisionError(ProvisionError::Failed, "the store's migration lock is held; try again");
  BackupOutcome o;
  o.header = {kBackupFormat, t->slug, t->id, t->schema, clock::iso_now(), migration_level(admin, t->schema)};
  std::string head = kMagic + std::to_string(kBackupFormat) + "\n-- header " + header_json(o.header) +
                     "\n-- control " + control_rows_json(p.control(), cfg.control_schema, t->id) + "\n";
  auto previous = ::signal(SIGPIPE, SIG_IGN);  // a dead gzip is an error, not our death
  try {
    write_compressed(cfg, *t, head, out.fd());
  } catch (...) {
    ::signal(SIGPIPE, previous);
    throw;
  }
  ::signal(SIGPIPE, previous);
  if (::fsync(out.fd()) != 0 || ::fstat(out.fd(), &st) != 0) throw std::runtime_error(sys_error("writing " + file));
  out.close_fd();
  if (::rename(out.path().c_str(), file.c_str()) != 0) throw std::runtime_error(sys_error("renaming into " + file));
  out.release();
  sync_directory(dir);
  o.file = file;
  o.bytes = static_cast<int64_t>(st.st_size);
  return o;
}

RestoreOutcome restore_store(Provisioner& p, const Config& cfg, const RestoreOptions& o) {
  std::string why;
  if (!o.as_slug.empty() && !tenancy::valid_slug(o.as_slug, &why))
    throw ProvisionError(ProvisionError::Invalid, "invalid slug: " + why);
  TempFile text(temp_dir(), "ecom-restore-");
  decompress(o.file, text.fd());
  text.close_fd();
  BackupFile b = read_backup(o.file, text.path());
  const auto& ms = p.tenant_migrations();
  const int64_t known = ms.empty() ? 0 : ms.back().version;
  if (b.header.migration_level > known)
    invalid(o.file, "it was made at migration level " + std::to_string(b.header.migration_level) +
                        " by a newer version; this ecom-provision knows up to " + std::to_string(known));
  Target t;
  t.slug = o.as_slug.empty() ? b.header.slug : o.as_slug;
  t.schema = db::tenant_schema_name(t.slug);
  if (p.store().find_by_slug(t.slug))
    throw ProvisionError(ProvisionError::SlugTaken, "slug '" + t.slug + "' is already taken");
  DbServer server = restore_server(p, o.server);
  t.server_id = server.id;
  t.server_url = server.url;
  t.server_name = server.name;
  if (schema_exists(p.admin(t.server_url, t.server_name), t.schema))
    throw ProvisionError(ProvisionError::Failed, "a schema named " + t.schema +
                                                     " already exists on that server; drop or rename it first");
  t.id = o.as_slug.empty() && !id_taken(p, b.header.store_id) ? b.header.store_id : uuid::v4();
  insert_control_rows(p, cfg, b, t);
  RestoreOutcome out;
  out.header = b.header;
  bool made_schema = false;
  try {
    out.migrations_applied = build_store(p, cfg, b, t, text.path(), made_schema);
  } catch (const std::exception& e) {
    undo(p, t, made_schema);
    throw ProvisionError(ProvisionError::Failed, std::string("restore failed, nothing kept: ") + e.what());
  }
  out.store = *p.store().find_by_id(t.id);
  return out;
}

}  // namespace ecom::provisioning
