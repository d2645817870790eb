#ifndef OVERSTAP_CSPAWN_SHIM_H
#define OVERSTAP_CSPAWN_SHIM_H
#include <spawn.h>

// glibc >= 2.34 has it, but declares it only under _GNU_SOURCE, which the Glibc module is built
// without. A spawned program must not inherit our descriptors (sockets to the database, pipes).
extern int posix_spawn_file_actions_addclosefrom_np(posix_spawn_file_actions_t *actions, int from);
#endif
