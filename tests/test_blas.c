/* test_blas.c -- the BLAS under GSL is OpenBLAS: the cblas_dgemm that
 * gsl_blas_dgemm actually calls (read from libgsl's own GOT slot) lies in
 * libopenblas, as does every plugin's, and a run uses one BLAS thread.
 * (Debian's libgsl lists libgslcblas as a dependency, so that library is
 * mapped; the point is that nothing binds to it.) */
#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <gsl/gsl_blas.h>

#include "lindyn/run.h"
#include "fixtures/testutil.h"

extern char *openblas_get_config(void);
extern int openblas_get_num_threads(void);

/* The file of the object that defines the code at addr. */
static const char *object_of(void *addr)
{
	Dl_info info;
	assert_true(dladdr(addr, &info) != 0);
	assert_non_null(info.dli_fname);
	return info.dli_fname;
}

static void test_openblas_config(void **state)
{
	(void)state;
	assert_contains(openblas_get_config(), "OpenBLAS");
}

/* The address libgsl's relocation for `symbol` points to (its GOT slot). */
typedef struct {
	const char *symbol;
	void *target;
} got_query;

static const ElfW(Rela) *rela_for(const ElfW(Rela) *r, size_t bytes, const ElfW(Sym) *symtab,
                                  const char *strtab, const char *symbol)
{
	for (size_t i = 0; r && i < bytes / sizeof *r; i++)
		if (!strcmp(strtab + symtab[ELF64_R_SYM(r[i].r_info)].st_name, symbol))
			return &r[i];
	return NULL;
}

static int find_got_slot(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)size;
	got_query *q = arg;
	if (!strstr(info->dlpi_name, "/libgsl.so"))
		return 0;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		if (info->dlpi_phdr[i].p_type != PT_DYNAMIC)
			continue;
		const ElfW(Dyn) *dyn = (const void *)(info->dlpi_addr + info->dlpi_phdr[i].p_vaddr);
		uintptr_t symtab = 0, strtab = 0, jmprel = 0, rela = 0;
		size_t jmpsz = 0, relasz = 0;
		for (; dyn->d_tag != DT_NULL; dyn++) {
			uintptr_t v = dyn->d_un.d_ptr;
			switch (dyn->d_tag) {
			case DT_SYMTAB: symtab = v; break;
			case DT_STRTAB: strtab = v; break;
			case DT_JMPREL: jmprel = v; break;
			case DT_PLTRELSZ: jmpsz = dyn->d_un.d_val; break;
			case DT_RELA: rela = v; break;
			case DT_RELASZ: relasz = dyn->d_un.d_val; break;
			}
		}
		/* ld.so usually relocates these entries in place; add the base if not. */
		uintptr_t base = info->dlpi_addr, *fix[] = { &symtab, &strtab, &jmprel, &rela };
		for (int k = 0; k < 4; k++)
			if (*fix[k] && *fix[k] < base)
				*fix[k] += base;
		const ElfW(Rela) *r = rela_for((const void *)jmprel, jmpsz, (const void *)symtab,
		                               (const char *)strtab, q->symbol);
		if (!r)
			r = rela_for((const void *)rela, relasz, (const void *)symtab,
			             (const char *)strtab, q->symbol);
		if (r)
			q->target = *(void **)(base + r->r_offset);
		return 1;
	}
	return 0;
}

static void *gsl_binding(const char *symbol)
{
	got_query q = { symbol, NULL };
	dl_iterate_phdr(find_got_slot, &q);
	assert_non_null(q.target);
	return q.target;
}

static void test_gsl_calls_openblas(void **state)
{
	(void)state;
	/* First call the routines (lazy binding fills the slots), checking the maths. */
	double a[6] = { 1, 2, 3, 4, 5, 6 }, b[6] = { 0.5, -1, 2.385, 0, 1, 3 }, c[4], y[2], dot;
	gsl_matrix_view A = gsl_matrix_view_array(a, 2, 3), B = gsl_matrix_view_array(b, 3, 2),
	                C = gsl_matrix_view_array(c, 2, 2);
	assert_int_equal(gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, &A.matrix, &B.matrix, 0.0,
	                                &C.matrix), 0);
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 2; j++) {
			double s = 0;
			for (int k = 0; k < 3; k++)
				s += a[i * 3 + k] * b[k * 2 + j];
			assert_close(c[i * 2 + j], s, 1e-14);
		}
	gsl_vector_view x = gsl_vector_view_array(b, 3), Y = gsl_vector_view_array(y, 2);
	assert_int_equal(gsl_blas_dgemv(CblasNoTrans, 1.0, &A.matrix, &x.vector, 0.0, &Y.vector), 0);
	assert_close(y[0], 0.5 - 2 + 3 * 2.385, 1e-14);
	gsl_vector_view u = gsl_vector_view_array(a, 3);
	assert_int_equal(gsl_blas_ddot(&u.vector, &x.vector, &dot), 0);
	assert_close(dot, y[0], 1e-14);

	/* The functions libgsl's slots now hold are OpenBLAS's. */
	assert_contains(object_of(gsl_binding("cblas_dgemm")), "libopenblas");
	assert_contains(object_of(gsl_binding("cblas_dgemv")), "libopenblas");
	assert_contains(object_of(gsl_binding("cblas_ddot")), "libopenblas");
	assert_true(gsl_binding("cblas_dgemm") == dlsym(RTLD_DEFAULT, "cblas_dgemm"));
	assert_contains(object_of((void *)gsl_blas_dgemm), "libgsl");
}

/* Every built plugin finds cblas_dgemm in OpenBLAS first. */
static void test_plugins_use_openblas(void **state)
{
	(void)state;
	char cmd[PATH_MAX + 32];
	snprintf(cmd, sizeof cmd, "ls %s/*.so 2>/dev/null", tu_path("plugins"));
	FILE *ls = popen(cmd, "r");
	assert_non_null(ls);
	char so[PATH_MAX];
	int checked = 0;
	while (fgets(so, sizeof so, ls)) {
		so[strcspn(so, "\n")] = 0;
		void *h = dlopen(so, RTLD_NOW | RTLD_LOCAL);
		if (!h) /* a plugin being built right now; the conformance test reports it */
			continue;
		void *dgemm = dlsym(h, "cblas_dgemm");
		if (dgemm)
			assert_contains(object_of(dgemm), "libopenblas");
		checked++;
	}
	pclose(ls);
	assert_true(checked > 0);
}

static void *one_alloc(lindyn_host *h)
{
	static int token;
	(void)h;
	return &token;
}

/* The run reports the thread count it set. */
static int one_run(void *state, lindyn_host *h)
{
	(void)state;
	lindyn_table *t = h->table(h, "threads", "n");
	double n = openblas_get_num_threads();
	return t ? h->row(t, &n) : LINDYN_EINVAL;
}

static void one_free(void *state) { (void)state; }

static void test_runs_use_one_thread(void **state)
{
	(void)state;
	static const lindyn_param none[] = { { NULL, 0, NULL, 0, 0, NULL, NULL } };
	static const lindyn_plugin p = { LINDYN_PLUGIN_HEADER, "threads", "1", "thread count",
	                                 none, one_alloc, one_run, one_free, "", NULL };
	unsetenv("OPENBLAS_NUM_THREADS");
	lindyn_run *r = lindyn_run_new(&p, NULL);
	assert_int_equal(lindyn_run_exec(r), LINDYN_OK);
	assert_close(lindyn_run_value(r, "threads", 0, "n"), 1, 0);
	lindyn_run_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_openblas_config),
		cmocka_unit_test(test_gsl_calls_openblas),
		cmocka_unit_test(test_plugins_use_openblas),
		cmocka_unit_test(test_runs_use_one_thread),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
