// Store admin: orders — list (status and date filters), detail with lines and
// customer contact, and status transitions
//   PENDING → PAID → SHIPPED → DELIVERED, and CANCELLED from PENDING or PAID,
// which puts the stock back in the same transaction. Anything else → 409.
#include <time.h>

#include <cctype>
#include <map>

#include "admin/routes.h"
#include "core/context.h"
#include "auth/access_token.h"
#include "common/clock.h"
#include "common/money.h"
#include "common/error.h"
#include "common/uuid.h"
#include "db/retry.h"
#include "http/json_reader.h"
#include "http/json_writer.h"
#include "http/pagination.h"
#include "orders/order_lines.h"

namespace ecom::admin {
namespace {

constexpr int64_t kMaxStock = 2'147'483'647;  // products.stock is an INT

bool allowed(const std::string& from, const std::string& to) {
  static const std::multimap<std::string, std::string> kMoves = {
      {"PENDING", "PAID"}, {"PAID", "SHIPPED"}, {"SHIPPED", "DELIVERED"}, {"PENDING", "CANCELLED"}, {"PAID", "CANCELLED"}};
  auto range = kMoves.equal_range(from);
  for (auto it = range.first; it != range.second; ++it)
    if (it->second == to) return true;
  return false;
}

bool known_status(const std::string& s) {
  return s == "PENDING" || s == "PAID" || s == "SHIPPED" || s == "DELIVERED" || s == "CANCELLED";
}

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
  if (!uuid::is_valid(id)) throw ApiError::NotFound("Order not found.");
  return uuid::normalize(id);
}

void write_detail(Context& ctx, const std::string& id) {
  auto& c = ctx.tenant_db();
  const auto& t = ctx.tenant();
  auto r = c.query("SELECT o.id, o.order_number, o.status, o.created_at, o.updated_at, o.email, o.phone, "
                   "o.shipping_address, o.payment_method, o.subtotal, o.tax, o.shipping, o.total, o.customer_id, "
                   "a.name FROM " + t.table("orders") + " o LEFT JOIN " + t.table("accounts") +
                       " a ON a.id = o.customer_id WHERE o.id = ?",
                   {id});
  if (!r.next()) throw ApiError::NotFound("Order not found.");
  auto m = [&](int col) { return money::parse(r.str(col)).value_or(0); };
  ctx.res.body.clear();
  http::JsonWriter w(ctx.res.body);
  w.begin_object();
  w.field("orderId", r.str(0));
  w.field("orderNumber", r.str(1));
  w.field("status", r.str(2));
  w.field("createdAt", clock::iso_from_sql(r.str(3)));
  w.field("updatedAt", clock::iso_from_sql(r.str(4)));
  w.key("customer").begin_object();
  if (r.is_null(13)) w.key("id").null();
  else w.field("id", r.str(13));
  if (r.is_null(14)) w.key("name").null();
  else w.field("name", r.str(14));
  w.field("email", r.str(5));
  w.field("phone", r.str(6));
  w.end_object();
  w.field("email", r.str(5));
  w.field("phone", r.str(6));
  w.field("shippingAddress", r.str(7));
  w.field("paymentMethod", r.str(8));
  w.key("subtotal").money(m(9));
  w.key("tax").money(m(10));
  w.key("shipping").money(m(11));
  w.key("total").money(m(12));
  orders::write_order_lines(w, c, t, id);
  w.end_object();
}

// GET /api/admin/orders?status&from&to&page&pageSize — newest first.
void list(Context& ctx) {
  auth::require_admin(ctx);
  Validator v;
  http::Page page = http::parse_page(ctx.req, v);
  std::string where = "WHERE 1 = 1";
  std::vector<db::Param> params;
  if (const std::string* s = ctx.req.query_param("status")) {
    if (!known_status(*s)) v.add("status", "status must be PENDING, PAID, SHIPPED, DELIVERED or CANCELLED.");
    where += " AND o.status = ?";
    params.emplace_back(*s);
  }
  for (const char* name : {"from", "to"}) {
    const std::string* raw = ctx.req.query_param(name);
    if (!raw) continue;
    auto when = parse_when(*raw, std::string(name) == "to");
    if (!when) {
      v.add(name, std::string(name) + " must be a date (YYYY-MM-DD) or a UTC time (YYYY-MM-DDTHH:MM:SSZ).");
      continue;
    }
    where += std::string(" AND o.created_at ") + (std::string(name) == "from" ? ">=" : "<=") + " ?";
    params.emplace_back(*when);
  }
  v.throw_if_any();
  auto& c = ctx.tenant_db();
  const auto& t = ctx.tenant();
  auto count = c.query("SELECT COUNT(*) FROM " + t.table("orders") + " o " + where, params);
  int64_t total = count.next() ? count.i64(0) : 0;
  http::JsonWriter w(ctx.res.body);
  http::write_paged(w, page, total, [&] {
    params.emplace_back(page.page_size);
    params.emplace_back(page.offset());
    auto rows = c.query("SELECT o.id, o.order_number, o.status, o.created_at, o.email, o.total, o.customer_id, "
                        "(SELECT COALESCE(SUM(quantity), 0) FROM " + t.table("order_items") +
                            " i WHERE i.order_id = o.id) FROM " + t.table("orders") + " o " + where +
                            " ORDER BY o.created_at DESC, o.order_number DESC LIMIT ? OFFSET ?",
                        params);
    while (rows.next()) {
      w.begin_object();
      w.field("orderId", rows.str(0));
      w.field("orderNumber", rows.str(1));
      w.field("status", rows.str(2));
      w.field("createdAt", clock::iso_from_sql(rows.str(3)));
      w.field("email", rows.str(4));
      w.key("total").money(money::parse(rows.str(5)).value_or(0));
      if (rows.is_null(6)) w.key("customerId").null();
      else w.field("customerId", rows.str(6));
      w.field("itemCount", rows.i64(7));
      w.end_object();
    }
  });
}

void get(Context& ctx) {
  auth::require_admin(ctx);
  write_detail(ctx, id_param(ctx));
}

// PATCH /api/admin/orders/{id} {status}
void update_status(Context& ctx) {
  auth::require_admin(ctx);
  std::string id = id_param(ctx);
  auto body = http::parse_json_body(ctx.req.body);
  Validator v;
  http::ObjectReader r(body.get(), v);
  auto status = r.string("status", true);
  if (status && !known_status(*status)) v.add("status", "status must be PENDING, PAID, SHIPPED, DELIVERED or CANCELLED.");
  v.throw_if_any();
  auto& c = ctx.tenant_db();
  const auto& t = ctx.tenant();
  db::retry_transaction(c, [&] {
    auto o = c.query("SELECT status FROM " + t.table("orders") + " WHERE id = ? FOR UPDATE", {id});
    if (!o.next()) throw ApiError::NotFound("Order not found.");
    std::string from = o.str(0);
    if (!allowed(from, *status))
      throw ApiError::Conflict("Illegal transition", "An order cannot go from " + from + " to " + *status + ".");
    if (*status == "CANCELLED") {
      // Put the stock back, locking the products in id order like place-order does.
      auto lines = c.query("SELECT product_id, SUM(quantity) FROM " + t.table("order_items") +
                               " WHERE order_id = ? GROUP BY product_id ORDER BY product_id",
                           {id});
      std::vector<std::pair<std::string, int64_t>> back;
      while (lines.next()) back.emplace_back(lines.str(0), lines.i64(1));
      // stock is an INT: a put-back that would pass its maximum is refused (409), not an error.
      for (const auto& [pid, qty] : back)
        if (c.exec("UPDATE " + t.table("products") +
                       " SET stock = stock + ?, updated_at = UTC_TIMESTAMP() WHERE id = ? AND stock <= ? - ?",
                   {qty, pid, kMaxStock, qty}) == 0)
          throw ApiError::Conflict("Stock limit exceeded",
                                   "Cancelling would put the stock of product " + pid + " above " +
                                       std::to_string(kMaxStock) + ", the most it can hold; lower its stock first.");
    }
    c.exec("UPDATE " + t.table("orders") + " SET status = ?, updated_at = UTC_TIMESTAMP() WHERE id = ?", {*status, id});
    return 0;
  });
  write_detail(ctx, id);
}

}  // namespace

void add_order_routes(http::Router& r) {
  r.add("GET", "/api/admin/orders", list, {.tenant = true});
  r.add("GET", "/api/admin/orders/{id}", get, {.tenant = true});
  r.add("PATCH", "/api/admin/orders/{id}", update_status, {.tenant = true});
}

}  // namespace ecom::admin
