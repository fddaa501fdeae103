/* schema.c: (being written) */
#include "market.h"
