// Runs a transaction body again when InnoDB chose it as a deadlock victim or a
// lock wait timed out — a bounded number of times, with a short jittered pause.
// On a Galera cluster a certification conflict (another node committed a write to
// the same rows first) is the same error 1213, at COMMIT or at any statement, and
// is retried the same way.
#pragma once

#include <unistd.h>

#include <cstdlib>

#include "db/connection.h"

namespace ecom::db {

inline constexpr int kTransactionAttempts = 4;

template <typename F>
auto retry_transaction(Connection& c, F&& body) -> decltype(body()) {
  for (int attempt = 1;; ++attempt) {
    try {
      Transaction tx(c);
      auto result = body();
      tx.commit();
      return result;
    } catch (const Error& e) {
      bool retryable = e.kind() == ErrorKind::Deadlock || e.kind() == ErrorKind::LockWait;
      if (!retryable || attempt >= kTransactionAttempts) throw;
      usleep(static_cast<useconds_t>(1000 * attempt + std::rand() % 5000));
    }
  }
}

}  // namespace ecom::db
