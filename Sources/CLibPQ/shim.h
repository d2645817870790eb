#ifndef OVERSTAP_CLIBPQ_SHIM_H
#define OVERSTAP_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#include <poll.h>
#endif
