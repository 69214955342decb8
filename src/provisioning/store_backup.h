// Backup and restore of one store (`ecom-provision backup SLUG FILE`, `restore FILE`).
//
// A backup file is gzip (Debian's gzip) of:
//   -- ecom-store-backup format 1
//   -- header {"format":1,"slug":..,"storeId":..,"schema":..,"migrationLevel":N,"createdAt":..}
//   -- control {"tenants":[{column: value}], "tenant_feature_overrides":[..], "tenant_limit_overrides":[..]}
//   <mariadb-dump --single-transaction --routines --triggers of the store's schema, without
//    CREATE DATABASE/USE and without DEFINER clauses, so that it loads under any schema name>
//   -- ecom-store-backup end
// written to a temporary file beside FILE (mode 0600) and renamed into place.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/config.h"
#include "http/json_writer.h"
#include "provisioning/control_store.h"
#include "provisioning/provisioner.h"

namespace ecom::provisioning {

inline constexpr int kBackupFormat = 1;

struct BackupHeader {
  int format = 0;
  std::string slug, store_id, schema, created_at;
  int64_t migration_level = 0;  // the highest tenant migration applied to the schema
};

// The header's fields, as a backup file's header line has them, into the object `w` has open.
void write_header_fields(http::JsonWriter& w, const BackupHeader& h);

struct BackupOutcome {
  BackupHeader header;
  std::string file;
  int64_t bytes = 0;
};

// Throws ProvisionError: NotFound (no such store), Failed (not Ready, a tool failed, ...).
BackupOutcome backup_store(Provisioner& p, const Config& cfg, const std::string& slug, const std::string& file);

struct RestoreOptions {
  std::string file;
  std::string as_slug;  // "" = the backup's own slug
  std::string server;   // a db_servers name; "" = the default server
};

struct RestoreOutcome {
  BackupHeader header;
  TenantRecord store;
  std::vector<std::string> migrations_applied;
};

// Throws ProvisionError: Invalid (bad --as slug), SlugTaken, NotFound (unknown server), Failed
// (not a valid backup, or the restore failed: then whatever it made is removed).
RestoreOutcome restore_store(Provisioner& p, const Config& cfg, const RestoreOptions& o);

}  // namespace ecom::provisioning
