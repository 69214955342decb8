// What a handler gets: the request, the response it fills, the worker's
// long-lived services, and (for tenant routes) the resolved store. Tenant
// identity travels only here; a handler never chooses a schema itself.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/config.h"
#include "common/net.h"
#include "db/pool.h"
#include "http/answer_cache.h"
#include "http/json_reader.h"
#include "http/request.h"
#include "http/response.h"
#include "tenancy/registry.h"

namespace ecom {

// /health's last check of the databases on this worker (health/routes.cpp), reused a moment.
struct HealthCheck {
  struct Server {
    std::string name;
    bool up = false;
  };
  bool ok = false;              // the control database answered
  std::vector<Server> servers;  // every registered database server, and whether it answered
  int64_t checked_ms = 0;       // monotonic
  uint64_t events = 0;          // db::connection_events() after the check
  bool done = false;
};

// Created once per worker process, after fork.
struct Services {
  explicit Services(const Config& c);
  const Config& config;
  db::Pool pool;
  tenancy::Registry registry;
  std::vector<net::Cidr> trusted_proxies;  // server.trusted_proxies, parsed once
  http::AnswerCache answers;               // public catalog answers ([catalog], core/answer.h)
  HealthCheck health;                      // /health's last check

  db::Connection& control() { return pool.get(config.db_url); }
  // The connection to the database server named `name` at `url`, with that server's application
  // account ([db_server.NAME], else [database]).
  db::Connection& server_db(const std::string& name, const std::string& url);
  // After a write to a store's control data: every worker of this host reads it again.
  void tenants_changed();
};

// A signed-in account of the store (from a verified access token).
struct Principal {
  std::string account_id;
  std::string role;  // "customer" | "admin"
};

struct Context {
  http::Request& req;
  http::Response& res;
  Services& services;
  std::shared_ptr<const tenancy::Tenant> tenant_ptr;
  // Filled by the dispatcher as the route's options ask (auth customer/admin; json_body).
  std::optional<Principal> principal = std::nullopt;
  http::JsonPtr json = nullptr;

  // The route's parsed JSON body (routes declared with json_body).
  const cJSON* body() const { return json.get(); }

  const tenancy::Tenant& tenant() const { return *tenant_ptr; }
  // The connection to the server holding this store's schema (shared by all stores on it).
  db::Connection& tenant_db() { return services.server_db(tenant_ptr->server_name, tenant_ptr->server_url); }
  db::Connection& control_db() { return services.control(); }
  // The client address per-address limits count by (net::limit_key; "unknown" without one).
  std::string client_key() const;
};

}  // namespace ecom
