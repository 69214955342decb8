/* Baseline B of the benchmark: the ceiling of nginx → FastCGI on this machine.
 * A trivial libfcgi responder, pre-forked like ecom-fcgi (same worker count),
 * answering a fixed JSON body. Usage: trivial_responder SOCKET WORKERS */
#include <fcgiapp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char kBody[] = "{\"status\":\"Healthy\",\"timestamp\":\"2024-12-01T15:30:00Z\"}";

static void serve(int fd) {
  char response[512];
  /* libfcgi's FCGX_FPrintF knows no %zu: format once with snprintf, write with PutStr. */
  int n = snprintf(response, sizeof response,
                   "Status: 200 OK\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
                   sizeof kBody - 1, kBody);
  FCGX_Request r;
  FCGX_InitRequest(&r, fd, 0);
  while (FCGX_Accept_r(&r) >= 0) {
    FCGX_PutStr(response, n, r.out);
    FCGX_Finish_r(&r);
  }
  _exit(0);
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s SOCKET WORKERS\n", argv[0]);
    return 2;
  }
  int workers = atoi(argv[2]);
  unlink(argv[1]);
  FCGX_Init();
  int fd = FCGX_OpenSocket(argv[1], 511);
  if (fd < 0) return 1;
  chmod(argv[1], 0666);
  for (int i = 0; i < workers; ++i)
    if (fork() == 0) serve(fd);
  signal(SIGTERM, SIG_DFL);
  while (wait(NULL) > 0) {
  }
  return 0;
}
