#ifndef RENJU_CXLSXWRITER_SHIM_H
#define RENJU_CXLSXWRITER_SHIM_H
#include <xlsxwriter.h>
#endif
