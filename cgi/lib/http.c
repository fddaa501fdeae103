/* http.c: (being written) */
#include "market.h"
