/* test_gd2_toy.c -- the gd2_toy plugin on its own: its tables are the
 * declared ones, and the grid values are those of TMLR App. B's toy example
 * (l(x) = (x - 1)^2 / 2, L = (x1 x2 - 1)^2 / 2, mu_over = x1^2 + x2^2). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "lindyn/run.h"
#include "declared_tables.h"

extern const lindyn_plugin *lindyn_plugin_descriptor(uint32_t index);

static void test_grid(void **state)
{
	(void)state;
	const lindyn_plugin *p = lindyn_plugin_descriptor(0);
	assert_string_equal(p->name, "gd2_toy");
	assert_null(lindyn_plugin_descriptor(1));
	lindyn_run *r = lindyn_run_new(p, NULL);
	assert_int_equal(lindyn_run_set(r, "grid=5"), LINDYN_OK);
	assert_int_equal(lindyn_run_set(r, "range=2"), LINDYN_OK);
	assert_int_equal(lindyn_run_exec(r), LINDYN_OK);
	static const char *const all[] = { "ell", "surface", NULL };
	assert_tables_declared(p, r, all);
	assert_int_equal(lindyn_run_rows(r, "ell"), 5);
	assert_int_equal(lindyn_run_rows(r, "surface"), 25);
	/* x = -2, -1, 0, 1, 2: l(-1) = 2 */
	assert_true(lindyn_run_value(r, "ell", 1, "ell") == 2.0);
	/* row 4 * 5 + 3 is (x1, x2) = (2, 1): L = 1/2, mu_over = 5 */
	assert_true(lindyn_run_value(r, "surface", 23, "L") == 0.5);
	assert_true(lindyn_run_value(r, "surface", 23, "mu_over") == 5.0);
	/* the Hessian [[1, 3], [3, 4]] has largest eigenvalue (5 + sqrt(45)) / 2 */
	assert_true(fabs(lindyn_run_value(r, "surface", 23, "K_over") - (5 + sqrt(45.0)) / 2) < 1e-12);
	lindyn_run_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
