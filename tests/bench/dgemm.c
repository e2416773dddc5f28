/* dgemm.c -- the machine's OpenBLAS dgemm rate, single-threaded, in GFLOP/s:
 * `make bench` divides each level-3 workload's achieved rate by it.
 * usage: dgemm M N K  (C = A B with A M x K, B K x N)
 * Timed in process CPU time, like every workload of the bench, so that other
 * load on the machine slows neither side. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <gsl/gsl_blas.h>

extern void openblas_set_num_threads(int threads);

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: dgemm M N K\n");
		return 1;
	}
	size_t m = strtoul(argv[1], NULL, 10), n = strtoul(argv[2], NULL, 10),
	       k = strtoul(argv[3], NULL, 10);
	openblas_set_num_threads(1);
	gsl_matrix *A = gsl_matrix_alloc(m, k), *B = gsl_matrix_alloc(k, n), *C = gsl_matrix_alloc(m, n);
	if (!A || !B || !C)
		return 2;
	gsl_matrix_set_all(A, 0.5);
	gsl_matrix_set_all(B, 0.25);
	double flops = 2.0 * (double)m * (double)n * (double)k, best = 0;
	for (int rep = 0; rep < 5; rep++) {
		int calls = 0;
		double t0 = now(), t;
		do {
			gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, A, B, 0.0, C);
			calls++;
		} while ((t = now() - t0) < 0.2);
		double rate = flops * calls / t / 1e9;
		best = rate > best ? rate : best;
	}
	printf("%.3f\n", best);
	gsl_matrix_free(A);
	gsl_matrix_free(B);
	gsl_matrix_free(C);
	return 0;
}
