#ifndef OVERSTAP_CLIBPQ_SHIM_H
#define OVERSTAP_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#include <poll.h>
#include <spawn.h>

// glibc >= 2.34 has it, but declares it only under _GNU_SOURCE, which the Glibc module is built
// without. The embedded server must not inherit our descriptors (sockets to itself, pipes).
extern int posix_spawn_file_actions_addclosefrom_np(posix_spawn_file_actions_t *actions, int from);
#endif
