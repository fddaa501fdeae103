/* t-nlquery.c: (being written) */
#include <CUnit/CUnit.h>

#include "market.h"
#include "tests.h"

void
add_nlquery_suite(void)
{
}
