/* seal.c: (being written) */
#include "market.h"
