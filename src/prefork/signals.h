// Self-pipe signal delivery for the master: handlers write one byte naming the
// signal; the master's loop reads and acts on it outside signal context.
#pragma once

namespace ecom::prefork {

// Installs handlers for CHLD, TERM, INT, QUIT, HUP, USR2 and ignores PIPE.
// Returns the read end of the pipe (non-blocking), or -1.
int signals_install_master();

// Reads one pending signal number, or 0 when none is pending.
int signals_next(int fd);

// Restores default dispositions and closes the pipe (in a freshly forked worker).
void signals_reset_in_child();

}  // namespace ecom::prefork
