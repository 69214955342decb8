// ApiError: the one exception type that crosses from handlers to the dispatcher.
// It carries everything a Problem Details response needs; the dispatcher is the
// only place that turns it into HTTP (see http/problem.h). The request's own
// faults (400, field errors) are built here; every other status by http/errors.
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace ecom {

using FieldErrors = std::map<std::string, std::vector<std::string>>;

class ApiError : public std::runtime_error {
 public:
  ApiError(int status, std::string title, std::string detail, FieldErrors errors = {})
      : std::runtime_error(detail), status_(status), title_(std::move(title)),
        detail_(std::move(detail)), errors_(std::move(errors)) {}

  int status() const { return status_; }
  const std::string& title() const { return title_; }
  const std::string& detail() const { return detail_; }
  const FieldErrors& errors() const { return errors_; }

  // Extra response headers (WWW-Authenticate, Allow, Retry-After ...).
  std::vector<std::pair<std::string, std::string>> headers;

  static ApiError BadRequest(std::string detail) { return {400, "Bad Request", std::move(detail)}; }
  static ApiError Validation(FieldErrors errors) {
    return {400, "Validation Error", "One or more validation errors occurred.", std::move(errors)};
  }

 private:
  int status_;
  std::string title_;
  std::string detail_;
  FieldErrors errors_;
};

// Collects field errors while validating a request; throws once with all of them.
class Validator {
 public:
  void add(const std::string& field, std::string message) { errors_[field].push_back(std::move(message)); }
  bool ok() const { return errors_.empty(); }
  void throw_if_any() const {
    if (!errors_.empty()) throw ApiError::Validation(errors_);
  }
  const FieldErrors& errors() const { return errors_; }

 private:
  FieldErrors errors_;
};

}  // namespace ecom
