// The external programs behind `ecom-provision backup` and `restore`: Debian's mariadb-dump,
// mariadb (the client) and gzip. Each runs with a minimal environment (PATH only, so that no
// password of ours is in a child's environment) and the database credentials in a temporary
// option file of mode 0600 that is removed when done; never on a command line.
#pragma once

#include <string>
#include <vector>

#include "common/config.h"

namespace ecom::provisioning {

// A file created with mkstemp (mode 0600) and removed on destruction unless release()d.
class TempFile {
 public:
  // `pattern_dir` is the directory; the name starts with `prefix`.
  TempFile(const std::string& dir, const std::string& prefix);
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }
  int fd() const { return fd_; }
  void close_fd();
  // Keeps the file (it was renamed into place).
  void release() { path_.clear(); }

 private:
  std::string path_;
  int fd_ = -1;
};

// $TMPDIR, else /tmp.
std::string temp_dir();

// An option file for the client programs: [client] user, password and where the server is
// (socket, or host + port over TCP), from an administrative URL (unix:///path, tcp://host:port).
class ClientOptionsFile {
 public:
  ClientOptionsFile(const std::string& url, const std::string& user, const std::string& password);
  // The first argument of every client program: --defaults-file=PATH (only this file is read,
  // so that no ~/.my.cnf can change the account).
  std::string option() const { return "--defaults-file=" + file_.path(); }

 private:
  TempFile file_;
};

// A child's outcome; `errors` is what it wrote on stderr (at most 4 KiB).
struct ChildResult {
  int status = -1;  // exit status, or 128 + signal
  std::string errors;
};

// Starts `argv` with stdin `in_fd` and stdout `out_fd` (-1: /dev/null), stderr captured.
class Child {
 public:
  Child(const std::vector<std::string>& argv, int in_fd, int out_fd);
  ~Child();  // kills and reaps a child not waited for
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ChildResult wait();

 private:
  int pid_ = -1;
  int err_fd_ = -1;
  std::string name_;
};

// Throws std::runtime_error "<program> failed: <its stderr>" unless `r` is a clean exit.
void expect_success(const std::string& program, const ChildResult& r);

}  // namespace ecom::provisioning
