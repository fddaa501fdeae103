/* semver.c: (being written) */
#include "market.h"
