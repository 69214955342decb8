// move SLUG SERVER [--drop-source] | move SLUG --abort: a store's schema to another database
// server while the platform runs (provisioning/store_move.h has the steps). Exit 0 when the store
// serves from SERVER (or, for --abort, from where it was); 1 when the move failed or was refused
// (the store then serves from where it was, and running the command again finishes the move);
// 2 for a usage error.
//
// ECOM_MOVE_KILL_AFTER=lock|copy|verify|switch ends the process with SIGKILL right after that
// step: the tests use it to prove that an interrupted move is finished or rolled back.
// ECOM_MOVE_CHUNK_ROWS=N copies N rows of a table at a time instead of kCopyChunkRows: the tests
// use it to copy tables larger than one chunk.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "http/json_writer.h"
#include "provision_cli/cli.h"
#include "provisioning/store_move.h"

namespace ecom::provision_cli {
namespace {

using provisioning::MoveError;

constexpr const char* kUsage = "usage: ecom-provision move SLUG SERVER [--drop-source]\n"
                               "       ecom-provision move SLUG --abort\n";

int usage_error(const CliContext& ctx, const std::string& message) {
  print_error(ctx, message);
  std::fputs(kUsage, stderr);
  return kExitUsage;
}

void report(const CliContext& ctx, const provisioning::MoveReport& r) {
  if (ctx.json) {
    std::string out;
    http::JsonWriter w(out);
    w.begin_object()
        .field("slug", r.slug)
        .field("from", r.from)
        .field("to", r.to)
        .field("resumed", r.resumed)
        .field("tables", r.tables)
        .field("rows", r.rows)
        .field("copyMs", r.copy_ms)
        .field("lockedMs", r.locked_ms)
        .field("sourceDropped", r.source_dropped)
        .end_object();
    print_json(out);
    return;
  }
  std::printf("%s moved from %s to %s%s: %lld tables, %lld rows copied and verified in %lld ms; closed (423) "
              "for %lld ms; %s\n",
              r.slug.c_str(), r.from.c_str(), r.to.c_str(), r.resumed ? " (an interrupted move finished)" : "",
              static_cast<long long>(r.tables), static_cast<long long>(r.rows), static_cast<long long>(r.copy_ms),
              static_cast<long long>(r.locked_ms),
              r.source_dropped ? "the source's schema dropped"
                               : "the source's schema kept (--drop-source, or gc lists it)");
}

}  // namespace

int cmd_move(CliContext& ctx) {
  bool abort = false, drop_source = false;
  for (const auto& f : ctx.flags) {
    if (f == "--abort") abort = true;
    else if (f == "--drop-source") drop_source = true;
    else return usage_error(ctx, "unknown option " + f);
  }
  if (abort ? ctx.args.size() != 1 : ctx.args.size() != 2)
    return usage_error(ctx, abort ? "move --abort takes the store's slug alone" : "move takes SLUG and SERVER");
  if (abort && drop_source) return usage_error(ctx, "--abort and --drop-source do not go together");

  provisioning::MoveOptions o;
  o.drop_source = drop_source;
  o.cache_ttl_ms = ctx.cfg.tenant_cache_ttl_ms;
  const Config& cfg = ctx.cfg;
  o.notify = [&cfg] { notify_master(cfg); };
  if (const char* chunk = std::getenv("ECOM_MOVE_CHUNK_ROWS")) {
    char* end = nullptr;
    unsigned long long n = std::strtoull(chunk, &end, 10);
    if (end == chunk || *end != '\0' || n == 0 || n > 1000000)
      return usage_error(ctx, "ECOM_MOVE_CHUNK_ROWS must be a number from 1 to 1000000");
    o.copy_chunk_rows = static_cast<size_t>(n);
  }
  const char* kill_after = std::getenv("ECOM_MOVE_KILL_AFTER");
  o.step_done = [kill_after](const char* step) {
    if (kill_after && std::strcmp(kill_after, step) == 0) std::raise(SIGKILL);
  };
  try {
    if (abort) {
      std::string server = provisioning::abort_move(*ctx.p, ctx.args[0], o);
      if (ctx.json) {
        std::string out;
        http::JsonWriter w(out);
        w.begin_object().field("slug", ctx.args[0]).field("aborted", true).field("copyDroppedOn", server).end_object();
        print_json(out);
      } else {
        std::printf("the move of %s was rolled back (its copy on %s dropped); it serves from where it was\n",
                    ctx.args[0].c_str(), server.c_str());
      }
      return kExitOk;
    }
    report(ctx, provisioning::move_store(*ctx.p, ctx.args[0], ctx.args[1], o));
    return kExitOk;
  } catch (const MoveError& e) {
    print_error(ctx, e.what());
    return kExitFailure;
  }
}

}  // namespace ecom::provision_cli
