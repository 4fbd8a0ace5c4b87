#ifndef RENJU_CGLPK_SHIM_H
#define RENJU_CGLPK_SHIM_H
#include <glpk.h>
#endif
