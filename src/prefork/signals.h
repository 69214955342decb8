// Self-pipe signal delivery for the master: handlers write one byte naming the
// signal; the master's loop reads and acts on it outside signal context.
#pragma once

namespace ecom::prefork {

// The value a sender of SIGUSR2 passes with sigqueue(3) to be answered with SIGUSR2 (carrying the
// same value) once the generation has moved.
inline constexpr int kStoresChangedMarker = 0x65636f6d;  // "ecom"

// Installs handlers for CHLD, TERM, INT, QUIT, HUP, USR1 (through the pipe) and USR2 (stores
// changed: bumps the scoreboard's tenancy generation at once), and ignores PIPE.
// Returns the read end of the pipe (non-blocking), or -1.
int signals_install_master();

// Reads one pending signal number, or 0 when none is pending.
int signals_next(int fd);

// Restores default dispositions and closes the pipe (in a freshly forked child, signals still
// blocked), and makes SIGUSR1 reopen the log file at once (log::reopen): installed before the
// child can receive it, so the master's SIGUSR1 never finds a child it would end.
void signals_reset_in_child();

}  // namespace ecom::prefork
