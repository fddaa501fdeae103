/* t-policy.c: (being written) */
#include <CUnit/CUnit.h>

#include "market.h"
#include "tests.h"

void
add_policy_suite(void)
{
}
