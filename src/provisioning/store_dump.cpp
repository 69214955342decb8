#include "provisioning/store_dump.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace ecom::provisioning {
namespace {

std::string sys_error(const std::string& what) { return what + ": " + std::strerror(errno); }

// A value of an option file, double-quoted (the client programs read \\ and \" in it).
std::string option_value(const std::string& v) {
  std::string out = "\"";
  for (char c : v) {
    if (c == '\n' || c == '\r' || c == '\0') throw std::runtime_error("a database credential holds a line break");
    if (c == '\\' || c == '"') out += '\\';
    out += c;
  }
  return out + "\"";
}

void write_all(int fd, const std::string& s) {
  size_t done = 0;
  while (done < s.size()) {
    ssize_t n = ::write(fd, s.data() + done, s.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw std::runtime_error(sys_error("write"));
    done += static_cast<size_t>(n);
  }
}

// [client] lines naming the server of `url`.
std::string server_lines(const std::string& url) {
  if (url.rfind("unix://", 0) == 0) return "socket=" + option_value(url.substr(7)) + "\n";
  if (url.rfind("tcp://", 0) == 0) {
    std::string rest = url.substr(6);
    auto slash = rest.find('/');
    if (slash != std::string::npos) rest.resize(slash);
    std::string host = rest, port = "3306";
    if (!rest.empty() && rest.front() == '[') {  // [IPv6]:port
      auto close = rest.find(']');
      if (close == std::string::npos) throw std::runtime_error("bad database URL " + url);
      host = rest.substr(1, close - 1);
      if (close + 1 < rest.size() && rest[close + 1] == ':') port = rest.substr(close + 2);
    } else if (auto colon = rest.rfind(':'); colon != std::string::npos) {
      host = rest.substr(0, colon);
      port = rest.substr(colon + 1);
    }
    if (port.empty() || port.size() > 5) throw std::runtime_error("bad port in database URL " + url);
    for (char c : port)
      if (c < '0' || c > '9') throw std::runtime_error("bad port in database URL " + url);
    return "protocol=TCP\nhost=" + option_value(host) + "\nport=" + port + "\n";
  }
  throw std::runtime_error("unsupported database URL " + url + " (unix:///path or tcp://host:port)");
}

}  // namespace

std::string temp_dir() {
  const char* t = std::getenv("TMPDIR");
  return t && *t ? t : "/tmp";
}

TempFile::TempFile(const std::string& dir, const std::string& prefix) {
  std::string pattern = dir + "/" + prefix + "XXXXXX";
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  fd_ = ::mkostemp(buf.data(), O_CLOEXEC);  // mode 0600
  if (fd_ < 0) throw std::runtime_error(sys_error("cannot create a temporary file in " + dir));
  path_ = buf.data();
  ::fchmod(fd_, 0600);
}

TempFile::~TempFile() {
  close_fd();
  if (!path_.empty()) ::unlink(path_.c_str());
}

void TempFile::close_fd() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

ClientOptionsFile::ClientOptionsFile(const std::string& url, const std::string& user, const std::string& password)
    : file_(temp_dir(), "ecom-provision-client-") {
  write_all(file_.fd(), "[client]\nuser=" + option_value(user) + "\npassword=" + option_value(password) + "\n" +
                            server_lines(url));
  file_.close_fd();
}

Child::Child(const std::vector<std::string>& argv, int in_fd, int out_fd) : name_(argv.at(0)) {
  std::string pattern = temp_dir() + "/ecom-provision-stderr-XXXXXX";
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  err_fd_ = ::mkostemp(buf.data(), O_CLOEXEC);
  if (err_fd_ < 0) throw std::runtime_error(sys_error("cannot create a temporary file"));
  ::unlink(buf.data());
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  // Only PATH: a password given to ecom-provision by its environment stays out of the child's.
  std::string path = "PATH=/usr/local/bin:/usr/bin:/bin";
  if (const char* p = std::getenv("PATH")) path = std::string("PATH=") + p;
  char* envp[] = {path.data(), nullptr};
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error(sys_error("fork"));
  if (pid_ == 0) {
    int null_fd = ::open("/dev/null", O_RDWR);
    ::dup2(in_fd >= 0 ? in_fd : null_fd, 0);
    ::dup2(out_fd >= 0 ? out_fd : null_fd, 1);
    ::dup2(err_fd_, 2);
    ::signal(SIGPIPE, SIG_DFL);
    ::execvpe(args[0], args.data(), envp);
    std::string msg = std::string("cannot run ") + args[0] + ": " + std::strerror(errno) + "\n";
    (void)!::write(2, msg.data(), msg.size());
    ::_exit(127);
  }
}

Child::~Child() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  if (err_fd_ >= 0) ::close(err_fd_);
}

ChildResult Child::wait() {
  ChildResult r;
  int st = 0;
  while (::waitpid(pid_, &st, 0) < 0) {
    if (errno != EINTR) throw std::runtime_error(sys_error("waitpid"));
  }
  pid_ = -1;
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  char buf[4096];
  ssize_t n = ::pread(err_fd_, buf, sizeof buf, 0);
  if (n > 0) r.errors.assign(buf, static_cast<size_t>(n));
  while (!r.errors.empty() && std::isspace(static_cast<unsigned char>(r.errors.back()))) r.errors.pop_back();
  r.errors.erase(0, r.errors.find_first_not_of(" \t\r\n"));
  return r;
}

void expect_success(const std::string& program, const ChildResult& r) {
  if (r.status == 0) return;
  throw std::runtime_error(program + " failed (exit status " + std::to_string(r.status) + ")" +
                           (r.errors.empty() ? std::string() : ": " + r.errors));
}

}  // namespace ecom::provisioning
