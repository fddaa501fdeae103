/* t-semver.c: (being written) */
#include <CUnit/CUnit.h>

#include "market.h"
#include "tests.h"

void
add_semver_suite(void)
{
}
