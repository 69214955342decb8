// Graceful stop for a child process that accepts on an inherited listening
// socket (workers, the provisioning agent). TERM/INT/QUIT set a flag and put a
// plain socket in place of the listening descriptor, so a blocked or imminent
// accept() fails at once; work in hand finishes (SA_RESTART keeps its I/O from
// failing with EINTR).
#pragma once

namespace ecom::prefork {

void stop_signal_install(int listen_fd);
bool stop_requested();

}  // namespace ecom::prefork
