#ifndef RENJU_CZLIB_SHIM_H
#define RENJU_CZLIB_SHIM_H
#include <zlib.h>
#endif
