/* policy.c: (being written) */
#include "market.h"
