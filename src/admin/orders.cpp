// Store admin: orders — list (status and date filters), detail with lines and
// customer contact, and status transitions (orders/order_status.h: PENDING → PAID →
// SHIPPED → DELIVERED, and CANCELLED from PENDING or PAID, which puts the stock back in
// the same transaction). Anything else → 409.
#include <time.h>

#include <cctype>

#include "admin/routes.h"
#include "common/error.h"
#include "common/uuid.h"
#include "core/context.h"
#include "http/errors.h"
#include "http/json_reader.h"
#include "http/json_writer.h"
#include "http/pagination.h"
#include "orders/order_json.h"
#include "orders/order_repository.h"
#include "orders/order_status.h"

namespace ecom::admin {
namespace {

std::string status_message() { return "status must be " + orders::order_status_names() + "."; }

// "2024-12-01" or "2024-12-01T15:30:00Z" → "2024-12-01 15:30:00" (end of day for a bare `to` date).
std::optional<std::string> parse_when(const std::string& s, bool end_of_day) {
  // Shape first ("dddd-dd-dd" or "dddd-dd-ddTdd:dd:ddZ"), then a real calendar time:
  // timegm normalises 2024-02-30 to March, so a round trip tells real dates from impossible ones.
  auto shaped = [&](const char* pattern) {
    std::string_view p(pattern);
    if (s.size() != p.size()) return false;
    for (size_t i = 0; i < p.size(); ++i)
      if (p[i] == 'd' ? !std::isdigit(static_cast<unsigned char>(s[i])) : s[i] != p[i]) return false;
    return true;
  };
  bool date = shaped("dddd-dd-dd"), stamp = shaped("dddd-dd-ddTdd:dd:ddZ");
  if (!date && !stamp) return std::nullopt;
  struct tm tm {};
  tm.tm_year = std::stoi(s.substr(0, 4)) - 1900;
  tm.tm_mon = std::stoi(s.substr(5, 2)) - 1;
  tm.tm_mday = std::stoi(s.substr(8, 2));
  if (stamp) {
    tm.tm_hour = std::stoi(s.substr(11, 2));
    tm.tm_min = std::stoi(s.substr(14, 2));
    tm.tm_sec = std::stoi(s.substr(17, 2));
  }
  struct tm check = tm;
  time_t t = timegm(&check);
  if (tm.tm_year + 1900 < 1970 || t == static_cast<time_t>(-1) ||
      check.tm_year != tm.tm_year || check.tm_mon != tm.tm_mon || check.tm_mday != tm.tm_mday ||
      check.tm_hour != tm.tm_hour || check.tm_min != tm.tm_min || check.tm_sec != tm.tm_sec)
    return std::nullopt;
  if (date) return s + (end_of_day ? " 23:59:59" : " 00:00:00");
  return s.substr(0, 10) + " " + s.substr(11, 8);
}

std::string id_param(Context& ctx) {
  const std::string& id = ctx.req.param("id");
  if (!uuid::is_valid(id)) throw http::not_found("Order not found.");
  return uuid::normalize(id);
}

// The one place a refused status change becomes a Problem.
ApiError problem_of(const orders::StatusChange& change, orders::OrderStatus to) {
  switch (change.error) {
    case orders::StatusChangeError::None:
    case orders::StatusChangeError::NotFound:
      break;
    case orders::StatusChangeError::IllegalTransition:
      return http::conflict("Illegal transition", "An order cannot go from " +
                                                          std::string(orders::to_string(change.from)) + " to " +
                                                          std::string(orders::to_string(to)) + ".");
    case orders::StatusChangeError::StockLimit:
      return http::conflict("Stock limit exceeded",
                                "Cancelling would put the stock of product " + change.product_id + " above " +
                                    std::to_string(orders::kMaxProductStock) +
                                    ", the most it can hold; lower its stock first.");
  }
  return http::not_found("Order not found.");
}

void write_detail(Context& ctx, const std::string& id) {
  auto order = orders::find_by_id(ctx.tenant_db(), ctx.tenant(), id);
  if (!order) throw http::not_found("Order not found.");
  ctx.res.body.clear();
  http::JsonWriter w(ctx.res.body);
  orders::write_admin_order(w, *order);
}

// status, from and to of the query; errors go to `v`.
orders::OrderFilter parse_filter(const http::Request& req, Validator& v) {
  orders::OrderFilter f;
  if (const std::string* s = req.query_param("status")) {
    f.status = orders::parse_order_status(*s);
    if (!f.status) v.add("status", status_message());
  }
  for (const char* name : {"from", "to"}) {
    const std::string* raw = req.query_param(name);
    if (!raw) continue;
    bool to = std::string(name) == "to";
    auto when = parse_when(*raw, to);
    if (!when) v.add(name, std::string(name) + " must be a date (YYYY-MM-DD) or a UTC time (YYYY-MM-DDTHH:MM:SSZ).");
    else (to ? f.created_to : f.created_from) = *when;
  }
  return f;
}

// GET /api/admin/orders?status&from&to&page&pageSize — newest first.
void list(Context& ctx) {
  Validator v;
  http::Page page = http::parse_page(ctx.req, v);
  orders::OrderFilter filter = parse_filter(ctx.req, v);
  v.throw_if_any();
  auto& c = ctx.tenant_db();
  const auto& t = ctx.tenant();
  int64_t total = orders::count_orders(c, t, filter);
  http::JsonWriter w(ctx.res.body);
  http::write_paged(w, page, total, [&] {
    for (const auto& s : orders::list_orders(c, t, filter, page.page_size, page.offset()))
      orders::write_admin_order_summary(w, s);
  });
}

void get(Context& ctx) {
  write_detail(ctx, id_param(ctx));
}

// PATCH /api/admin/orders/{id} {status}
void update_status(Context& ctx) {
  std::string id = id_param(ctx);
  Validator v;
  http::ObjectReader r(ctx.body(), v);
  auto status = r.string("status", true);
  std::optional<orders::OrderStatus> to;
  if (status && !(to = orders::parse_order_status(*status))) v.add("status", status_message());
  v.throw_if_any();
  auto change = orders::change_status(ctx.tenant_db(), ctx.tenant(), id, *to);
  if (change.error != orders::StatusChangeError::None) throw problem_of(change, *to);
  write_detail(ctx, id);
}

}  // namespace

void add_order_routes(http::Router& r) {
  const http::RouteOptions read{.tenant = true, .auth = http::Auth::kAdmin};
  r.add("GET", "/api/admin/orders", list, read);
  r.add("GET", "/api/admin/orders/{id}", get, read);
  r.add("PATCH", "/api/admin/orders/{id}", update_status,
        {.tenant = true, .auth = http::Auth::kAdmin, .json_body = http::JsonBody::kRequired,
         .changes_catalog = true});  // a cancel puts stock back
}

}  // namespace ecom::admin
