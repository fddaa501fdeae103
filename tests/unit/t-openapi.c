/* t-openapi.c: (being written) */
#include <CUnit/CUnit.h>

#include "market.h"
#include "tests.h"

void
add_openapi_suite(void)
{
}
