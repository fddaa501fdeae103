/* openapi.c: (being written) */
#include "market.h"
