#include "orders/order_repository.h"

#include <algorithm>
#include <stdexcept>

#include "common/clock.h"
#include "db/retry.h"

namespace ecom::orders {
namespace {

// Lines per INSERT: a statement may hold at most 65,535 placeholders (a line takes 7).
constexpr size_t kLinesPerInsert = 1000;

money::Cents money_at(const db::Rows& r, int col) { return money::parse(r.str(col)).value_or(0); }

std::optional<std::string> optional_at(const db::Rows& r, int col) {
  if (r.is_null(col)) return std::nullopt;
  return r.str(col);
}

// The column only ever holds the names of OrderStatus (place-order and the admin write them).
OrderStatus status_at(const db::Rows& r, int col) {
  std::string name = r.str(col);
  if (auto s = parse_order_status(name)) return *s;
  throw std::runtime_error("orders.status holds an unknown status: " + name);
}

std::vector<OrderLine> lines_of(db::Connection& c, const tenancy::Tenant& t, const std::string& order_id) {
  auto r = c.query("SELECT product_id, product_name, unit_price, quantity, subtotal FROM " +
                       t.table("order_items") + " WHERE order_id = ? ORDER BY line_no",
                   {order_id});
  std::vector<OrderLine> lines;
  while (r.next()) lines.push_back({r.str(0), r.str(1), money_at(r, 2), r.i64(3), money_at(r, 4)});
  return lines;
}

// Columns id, order_number, status, created_at, email, phone, shipping_address, payment_method,
// subtotal, tax, shipping, total, in that order from column 0.
Order order_at(const db::Rows& r) {
  Order o;
  o.id = r.str(0);
  o.order_number = r.str(1);
  o.status = status_at(r, 2);
  o.created_at = clock::iso_from_sql(r.str(3));
  o.email = r.str(4);
  o.phone = r.str(5);
  o.shipping_address = r.str(6);
  o.payment_method = r.str(7);
  o.subtotal = money_at(r, 8);
  o.tax = money_at(r, 9);
  o.shipping = money_at(r, 10);
  o.total = money_at(r, 11);
  return o;
}

// "WHERE 1 = 1 AND ..." for the filter, its parameters appended to `params`.
std::string where_of(const OrderFilter& f, std::vector<db::Param>& params) {
  std::string where = "WHERE 1 = 1";
  if (f.customer_id) {
    where += " AND o.customer_id = ?";
    params.emplace_back(*f.customer_id);
  }
  if (f.status) {
    where += " AND o.status = ?";
    params.emplace_back(std::string(to_string(*f.status)));
  }
  if (f.created_from) {
    where += " AND o.created_at >= ?";
    params.emplace_back(*f.created_from);
  }
  if (f.created_to) {
    where += " AND o.created_at <= ?";
    params.emplace_back(*f.created_to);
  }
  return where;
}

// A refusal inside change_status's transaction: thrown so that the transaction rolls back.
struct Refused {
  StatusChange change;
};

[[noreturn]] void refuse(StatusChangeError error, OrderStatus from = OrderStatus::Pending, std::string product_id = {}) {
  throw Refused{{error, from, std::move(product_id)}};
}

// Puts an order's units back in stock, locking the products in id order like place-order does.
// stock is an INT: a put-back that would pass its maximum is refused, not an error.
void restock(db::Connection& c, const tenancy::Tenant& t, const std::string& id) {
  auto lines = c.query("SELECT product_id, SUM(quantity) FROM " + t.table("order_items") +
                           " WHERE order_id = ? GROUP BY product_id ORDER BY product_id",
                       {id});
  std::vector<std::pair<std::string, int64_t>> back;
  while (lines.next()) back.emplace_back(lines.str(0), lines.i64(1));
  for (const auto& [pid, qty] : back)
    if (c.exec("UPDATE " + t.table("products") +
                   " SET stock = stock + ?, updated_at = UTC_TIMESTAMP() WHERE id = ? AND stock <= ? - ?",
               {qty, pid, kMaxProductStock, qty}) == 0)
      refuse(StatusChangeError::StockLimit, OrderStatus::Pending, pid);
}

void change_status_once(db::Connection& c, const tenancy::Tenant& t, const std::string& id, OrderStatus to) {
  auto o = c.query("SELECT status FROM " + t.table("orders") + " WHERE id = ? FOR UPDATE", {id});
  if (!o.next()) refuse(StatusChangeError::NotFound);
  OrderStatus from = status_at(o, 0);
  if (!can_move(from, to)) refuse(StatusChangeError::IllegalTransition, from);
  if (to == OrderStatus::Cancelled) restock(c, t, id);
  c.exec("UPDATE " + t.table("orders") + " SET status = ?, updated_at = UTC_TIMESTAMP() WHERE id = ?",
         {std::string(to_string(to)), id});
}

// "(?, ?, ...), (...)": n rows of `row`.
std::string rows_of_marks(size_t n, const char* row) {
  std::string s;
  for (size_t i = 0; i < n; ++i) (s += i ? ", " : "") += row;
  return s;
}

db::Param nullable(const std::optional<std::string>& v) { return v ? db::Param(*v) : db::Param(nullptr); }

}  // namespace

std::optional<Order> find_for_owners(db::Connection& c, const tenancy::Tenant& t, const std::string& id,
                                     const std::string& owner, const std::string& other_owner) {
  auto r = c.query("SELECT id, order_number, status, created_at, email, phone, shipping_address, payment_method, "
                   "subtotal, tax, shipping, total FROM " + t.table("orders") + " WHERE id = ? AND owner IN (?, ?)",
                   {id, owner, other_owner});
  if (!r.next()) return std::nullopt;
  Order o = order_at(r);
  o.lines = lines_of(c, t, o.id);
  return o;
}

std::optional<Order> find_by_id(db::Connection& c, const tenancy::Tenant& t, const std::string& id) {
  auto r = c.query("SELECT o.id, o.order_number, o.status, o.created_at, o.email, o.phone, o.shipping_address, "
                   "o.payment_method, o.subtotal, o.tax, o.shipping, o.total, o.updated_at, o.customer_id, "
                   "a.name FROM " + t.table("orders") + " o LEFT JOIN " + t.table("accounts") +
                       " a ON a.id = o.customer_id WHERE o.id = ?",
                   {id});
  if (!r.next()) return std::nullopt;
  Order o = order_at(r);
  o.updated_at = clock::iso_from_sql(r.str(12));
  o.customer_id = optional_at(r, 13);
  o.customer_name = optional_at(r, 14);
  o.lines = lines_of(c, t, id);
  return o;
}

int64_t count_orders(db::Connection& c, const tenancy::Tenant& t, const OrderFilter& f) {
  std::vector<db::Param> params;
  std::string where = where_of(f, params);
  auto r = c.query("SELECT COUNT(*) FROM " + t.table("orders") + " o " + where, params);
  return r.next() ? r.i64(0) : 0;
}

std::vector<OrderSummary> list_orders(db::Connection& c, const tenancy::Tenant& t, const OrderFilter& f,
                                      int64_t limit, int64_t offset) {
  std::vector<db::Param> params;
  std::string where = where_of(f, params);
  params.emplace_back(limit);
  params.emplace_back(offset);
  auto r = c.query("SELECT o.id, o.order_number, o.status, o.created_at, o.email, o.total, o.customer_id, "
                   "(SELECT COALESCE(SUM(quantity), 0) FROM " + t.table("order_items") +
                       " i WHERE i.order_id = o.id) FROM " + t.table("orders") + " o " + where +
                       " ORDER BY o.created_at DESC, o.order_number DESC LIMIT ? OFFSET ?",
                   params);
  std::vector<OrderSummary> list;
  while (r.next()) {
    OrderSummary s;
    s.id = r.str(0);
    s.order_number = r.str(1);
    s.status = status_at(r, 2);
    s.created_at = clock::iso_from_sql(r.str(3));
    s.email = r.str(4);
    s.total = money_at(r, 5);
    s.customer_id = optional_at(r, 6);
    s.item_count = r.i64(7);
    list.push_back(std::move(s));
  }
  return list;
}

StatusChange change_status(db::Connection& c, const tenancy::Tenant& t, const std::string& id, OrderStatus to) {
  try {
    db::retry_transaction(c, [&] {
      change_status_once(c, t, id, to);
      return 0;
    });
    return {};
  } catch (const Refused& r) {
    return r.change;
  }
}

bool product_was_ordered(db::Connection& c, const tenancy::Tenant& t, const std::string& product_id) {
  auto r = c.query("SELECT 1 FROM " + t.table("order_items") + " WHERE product_id = ? LIMIT 1", {product_id});
  return r.next();
}

std::optional<KeyedOrder> find_by_idempotency_key(db::Connection& c, const tenancy::Tenant& t,
                                                  const std::string& key) {
  auto r = c.query("SELECT id, order_number, total, status, created_at, request_hash, owner FROM " +
                       t.table("orders") + " WHERE idempotency_key = ?",
                   {key});
  if (!r.next()) return std::nullopt;
  KeyedOrder o;
  o.id = r.str(0);
  o.order_number = r.str(1);
  o.total = money_at(r, 2);
  o.status = status_at(r, 3);
  o.created_at = clock::iso_from_sql(r.str(4));
  o.request_hash = r.str(5);
  o.owner = r.str(6);
  return o;
}

InsertOrderOutcome insert_order(db::Connection& c, const tenancy::Tenant& t, const NewOrder& o) {
  try {
    c.exec("INSERT INTO " + t.table("orders") +
               " (id, order_number, idempotency_key, request_hash, owner, session_id, customer_id, status, email,"
               " phone, shipping_address, payment_method, subtotal, tax, shipping, total, created_at, updated_at)"
               " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, FROM_UNIXTIME(?), FROM_UNIXTIME(?))",
           {o.id, o.order_number, o.idempotency_key, o.request_hash, o.owner, nullable(o.session_id),
            nullable(o.customer_id), std::string(to_string(o.status)), o.email, o.phone, o.shipping_address,
            o.payment_method, money::format(o.subtotal), money::format(o.tax), money::format(o.shipping),
            money::format(o.total), o.created_at, o.created_at});
    return InsertOrderOutcome::Inserted;
  } catch (const db::Error& e) {
    if (e.is_duplicate_of("uq_orders_idempotency")) return InsertOrderOutcome::KeyTaken;
    if (e.is_duplicate_of("uq_orders_number")) return InsertOrderOutcome::NumberTaken;
    throw;
  }
}

void insert_lines(db::Connection& c, const tenancy::Tenant& t, const std::string& order_id,
                  const std::vector<NewOrderLine>& lines) {
  int64_t line_no = 0;
  for (size_t from = 0; from < lines.size(); from += kLinesPerInsert) {
    size_t n = std::min(kLinesPerInsert, lines.size() - from);
    std::vector<db::Param> params;
    for (size_t i = from; i < from + n; ++i) {
      const NewOrderLine& l = lines[i];
      params.insert(params.end(), {order_id, ++line_no, l.product_id, l.product_name, money::format(l.price),
                                   l.quantity, money::format_wide(money::times(l.price, l.quantity))});
    }
    c.exec("INSERT INTO " + t.table("order_items") +
               " (order_id, line_no, product_id, product_name, unit_price, quantity, subtotal) VALUES " +
               rows_of_marks(n, "(?, ?, ?, ?, ?, ?, ?)"),
           params);
  }
}

}  // namespace ecom::orders
