#ifndef OVERSTAP_CXLSXWRITER_SHIM_H
#define OVERSTAP_CXLSXWRITER_SHIM_H
// libxlsxwriter (Debian libxlsxwriter-dev): writes .xlsx workbooks for the lists a spreadsheet opens.
#include <xlsxwriter.h>
#endif
