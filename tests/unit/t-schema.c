/* t-schema.c: (being written) */
#include <CUnit/CUnit.h>

#include "market.h"
#include "tests.h"

void
add_schema_suite(void)
{
}
