/* test_lora_fmnist-grad.c -- the numerics of lora_fmnist at small size: the
 * cross-entropy gradients of the head (adapter and full) against central
 * finite differences, chunked and queued evaluation against one pass, the
 * alignment metric against projectors built from a QR factorization, the first Adam
 * and SGD steps, the feature map against its formula, and the frozen-model
 * cache's hash and entry checks. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "../plugins/lora_fmnist/align.h"
#include "../plugins/lora_fmnist/cache.h"
#include "../plugins/lora_fmnist/evalq.h"
#include "../plugins/lora_fmnist/features.h"
#include "../plugins/lora_fmnist/hash128.h"
#include "../plugins/lora_fmnist/head.h"
#include "../plugins/lora_fmnist/optim.h"

static void fill(gsl_rng *rng, gsl_matrix *M, double sd)
{
	for (size_t i = 0; i < M->size1; i++)
		for (size_t j = 0; j < M->size2; j++)
			gsl_matrix_set(M, i, j, gsl_ran_gaussian(rng, sd));
}

enum { C = 5, D = 7, R = 3, N = 6 };

/* A head with every weight non-zero (B != 0, so dA is not trivially 0). */
static void make_head(lora_head *m, gsl_matrix *X, uint8_t *y, unsigned long seed)
{
	assert_int_equal(lora_head_alloc(m, C, D, R, N), 0);
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(rng, seed);
	fill(rng, m->W0, 0.8);
	fill(rng, m->A, 0.6);
	fill(rng, m->B, 0.7);
	for (size_t k = 0; k < C; k++)
		gsl_vector_set(m->b0, k, gsl_ran_gaussian(rng, 0.5));
	fill(rng, X, 1.1);
	for (size_t i = 0; i < N; i++)
		y[i] = (uint8_t)gsl_rng_uniform_int(rng, C);
	gsl_rng_free(rng);
}

static double mean_loss(lora_head *m, const gsl_matrix *X, const uint8_t *y)
{
	double sum = 0.0;
	size_t correct = 0;
	lora_head_forward(m, X, y, 1.0 / N, &sum, &correct);
	return sum / N;
}

/* Central differences of the mean loss along every entry of P against G. */
static void check_fd(lora_head *m, const gsl_matrix *X, const uint8_t *y, double *p,
                     size_t n, const double *g)
{
	const double h = 1e-5;
	for (size_t i = 0; i < n; i++) {
		double keep = p[i];
		p[i] = keep + h;
		double up = mean_loss(m, X, y);
		p[i] = keep - h;
		double down = mean_loss(m, X, y);
		p[i] = keep;
		double fd = (up - down) / (2 * h);
		if (fabs(fd - g[i]) > 1e-8 * (1.0 + fabs(fd)))
			fail_msg("entry %zu: finite difference %.12g, gradient %.12g", i, fd, g[i]);
	}
}

static void test_adapter_gradient(void **state)
{
	(void)state;
	lora_head m;
	gsl_matrix *X = gsl_matrix_alloc(N, D);
	uint8_t y[N];
	make_head(&m, X, y, 11);
	mean_loss(&m, X, y);
	lora_head_grad_adapter(&m, X);
	gsl_matrix *gA = gsl_matrix_alloc(R, D), *gB = gsl_matrix_alloc(C, R);
	gsl_matrix_memcpy(gA, m.gA);
	gsl_matrix_memcpy(gB, m.gB);
	assert_true(gsl_matrix_max(gA) - gsl_matrix_min(gA) > 1e-3);
	check_fd(&m, X, y, m.A->data, R * D, gA->data);
	check_fd(&m, X, y, m.B->data, C * R, gB->data);
	gsl_matrix_free(gA);
	gsl_matrix_free(gB);
	gsl_matrix_free(X);
	lora_head_free(&m);
}

static void test_full_gradient(void **state)
{
	(void)state;
	lora_head m;
	gsl_matrix *X = gsl_matrix_alloc(N, D);
	uint8_t y[N];
	make_head(&m, X, y, 12);
	mean_loss(&m, X, y);
	lora_head_grad_full(&m, X, 0);
	gsl_matrix *gW = gsl_matrix_alloc(C, D);
	gsl_vector *gb = gsl_vector_alloc(C);
	gsl_matrix_memcpy(gW, m.gW);
	gsl_vector_memcpy(gb, m.gb);
	check_fd(&m, X, y, m.W0->data, C * D, gW->data);
	check_fd(&m, X, y, m.b0->data, C, gb->data);
	/* accumulating over two halves gives the same gradient */
	gsl_matrix_const_view top = gsl_matrix_const_submatrix(X, 0, 0, N / 2, D);
	gsl_matrix_const_view bot = gsl_matrix_const_submatrix(X, N / 2, 0, N - N / 2, D);
	double sum = 0.0;
	size_t correct = 0;
	lora_head_forward(&m, &top.matrix, y, 1.0 / N, &sum, &correct);
	lora_head_grad_full(&m, &top.matrix, 0);
	lora_head_forward(&m, &bot.matrix, y + N / 2, 1.0 / N, &sum, &correct);
	lora_head_grad_full(&m, &bot.matrix, 1);
	for (size_t i = 0; i < C * D; i++)
		assert_true(fabs(m.gW->data[i] - gW->data[i]) < 1e-14);
	gsl_matrix_free(gW);
	gsl_vector_free(gb);
	gsl_matrix_free(X);
	lora_head_free(&m);
}

/* Loss and accuracy in chunks of 4 rows equal a dense computation. */
static void test_evaluate_in_chunks(void **state)
{
	(void)state;
	enum { M = 10 };
	lora_head m;
	assert_int_equal(lora_head_alloc(&m, C, D, R, 4), 0);
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(rng, 5);
	fill(rng, m.W0, 1.0);
	fill(rng, m.A, 1.0);
	fill(rng, m.B, 1.0);
	gsl_matrix *X = gsl_matrix_alloc(M, D);
	fill(rng, X, 1.0);
	uint8_t y[M];
	for (size_t i = 0; i < M; i++)
		y[i] = (uint8_t)(i % C);
	gsl_rng_free(rng);
	/* dense: W = W0 + B A, logits = X W^T + b0 */
	gsl_matrix *W = gsl_matrix_alloc(C, D);
	gsl_matrix_memcpy(W, m.W0);
	gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, m.B, m.A, 1.0, W);
	double loss = 0.0, hits = 0.0;
	for (size_t i = 0; i < M; i++) {
		double z[C], zmax = -INFINITY, s = 0.0;
		size_t best = 0;
		for (size_t k = 0; k < C; k++) {
			z[k] = 0.0;
			for (size_t j = 0; j < D; j++)
				z[k] += gsl_matrix_get(W, k, j) * gsl_matrix_get(X, i, j);
			if (z[k] > zmax) {
				zmax = z[k];
				best = k;
			}
		}
		for (size_t k = 0; k < C; k++)
			s += exp(z[k]);
		loss += log(s) - z[y[i]];
		hits += best == y[i];
	}
	double l, acc;
	lora_head_evaluate(&m, X, y, &l, &acc);
	assert_true(fabs(l - loss / M) < 1e-12);
	assert_true(fabs(acc - hits / M) < 1e-15);
	gsl_matrix_free(W);
	gsl_matrix_free(X);
	lora_head_free(&m);
}

/* Three adapters evaluated in one pass give, bit for bit, what evaluating
 * each in the head gives (7 rows in chunks of 4: a partial chunk too). */
static void test_evaluate_queued(void **state)
{
	(void)state;
	enum { M = 7, K = 3 };
	lora_head m;
	assert_int_equal(lora_head_alloc(&m, C, D, R, 4), 0);
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(rng, 11);
	fill(rng, m.W0, 1.0);
	gsl_matrix *X = gsl_matrix_alloc(M, D), *S0 = gsl_matrix_alloc(M, C);
	fill(rng, X, 1.0);
	uint8_t y[M];
	for (size_t i = 0; i < M; i++)
		y[i] = (uint8_t)((3 * i) % C);
	lora_head_frozen_logits(&m, X, S0);
	evalq q;
	assert_int_equal(evalq_alloc(&q, C, D, R, K, 4), 0);
	double want_loss[K], want_acc[K], loss[K], acc[K];
	for (size_t i = 0; i < K; i++) {
		fill(rng, m.A, 1.0);
		fill(rng, m.B, 1.0);
		lora_head_evaluate(&m, X, y, &want_loss[i], &want_acc[i]);
		evalq_push(&q, m.A, m.B);
	}
	evalq_evaluate(&q, &m, X, S0, y, loss, acc);
	assert_memory_equal(loss, want_loss, sizeof loss);
	assert_memory_equal(acc, want_acc, sizeof acc);
	evalq_clear(&q);
	assert_int_equal(q.held, 0);
	evalq_free(&q);
	gsl_rng_free(rng);
	gsl_matrix_free(X);
	gsl_matrix_free(S0);
	lora_head_free(&m);
}

/* ||U U^T - T T^T||_F / sqrt(2r) with U from a QR factorization of Z. */
static double dense_alignment(const align_ws *w, const gsl_matrix *A, const gsl_matrix *B)
{
	size_t c = w->c, d = w->d, r = w->r, n = c + d;
	gsl_matrix *Z = gsl_matrix_alloc(n, r), *Q = gsl_matrix_alloc(n, n);
	gsl_matrix *Rm = gsl_matrix_alloc(n, r), *T = gsl_matrix_alloc(n, r);
	gsl_vector *tau = gsl_vector_alloc(r);
	for (size_t j = 0; j < r; j++) {
		for (size_t i = 0; i < c; i++) {
			gsl_matrix_set(Z, i, j, gsl_matrix_get(B, i, j));
			gsl_matrix_set(T, i, j, gsl_matrix_get(w->Tu, i, j));
		}
		for (size_t i = 0; i < d; i++) {
			gsl_matrix_set(Z, c + i, j, gsl_matrix_get(A, j, i));
			gsl_matrix_set(T, c + i, j, gsl_matrix_get(w->Tv, i, j));
		}
	}
	gsl_linalg_QR_decomp(Z, tau);
	gsl_linalg_QR_unpack(Z, tau, Q, Rm);
	gsl_matrix_view U = gsl_matrix_submatrix(Q, 0, 0, n, r);
	double s = 0.0;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++) {
			double p = 0.0;
			for (size_t k = 0; k < r; k++)
				p += gsl_matrix_get(&U.matrix, i, k) * gsl_matrix_get(&U.matrix, j, k) -
				     gsl_matrix_get(T, i, k) * gsl_matrix_get(T, j, k);
			s += p * p;
		}
	gsl_matrix_free(Z);
	gsl_matrix_free(Q);
	gsl_matrix_free(Rm);
	gsl_matrix_free(T);
	gsl_vector_free(tau);
	return sqrt(s / (2.0 * (double)r));
}

static void test_alignment(void **state)
{
	(void)state;
	enum { c = 4, d = 9, r = 2 };
	align_ws w;
	assert_int_equal(align_alloc(&w, c, d, r), 0);
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(rng, 21);
	gsl_matrix *G = gsl_matrix_alloc(c, d), *A = gsl_matrix_alloc(r, d);
	gsl_matrix *B = gsl_matrix_alloc(c, r), *Q = gsl_matrix_alloc(r, r);
	fill(rng, G, 1.0);
	assert_int_equal(align_target(&w, G), 0);
	/* T is orthonormal and T^T [[0, G], [G^T, 0]] T = -diag(top r singular values) */
	double a;
	/* Z = T Q spans T: alignment 0 */
	fill(rng, Q, 1.0);
	gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, w.Tu, Q, 0.0, B);
	gsl_blas_dgemm(CblasTrans, CblasTrans, 1.0, Q, w.Tv, 0.0, A);
	assert_int_equal(align_measure(&w, A, B, &a), 0);
	assert_true(a < 1e-7);
	/* random Z: against the projector formula */
	fill(rng, A, 0.3);
	fill(rng, B, 2.0);
	assert_int_equal(align_measure(&w, A, B, &a), 0);
	double dense = dense_alignment(&w, A, B);
	assert_true(a > 0.1 && a < 1.0);
	assert_true(fabs(a - dense) < 1e-12);
	/* B = 0 and rows of A orthogonal to the top singular vectors: alignment 1 */
	gsl_matrix_set_zero(B);
	for (size_t i = 0; i < r; i++)
		for (size_t j = 0; j < d; j++)
			gsl_matrix_set(A, i, j, gsl_matrix_get(w.Gt, j, c - 1 - i));
	assert_int_equal(align_measure(&w, A, B, &a), 0);
	assert_true(fabs(a - 1.0) < 1e-12);
	/* a rank-deficient Z is reported, not measured */
	gsl_matrix_set_zero(A);
	assert_int_not_equal(align_measure(&w, A, B, &a), 0);
	gsl_matrix_free(G);
	gsl_matrix_free(A);
	gsl_matrix_free(B);
	gsl_matrix_free(Q);
	gsl_rng_free(rng);
	align_free(&w);
}

/* The first Adam step moves every coordinate by lr g / (|g| + eps);
 * the second follows the bias-corrected moments; SGD is x - lr g. */
static void test_optimizer_steps(void **state)
{
	(void)state;
	optim_state o;
	assert_int_equal(optim_alloc(&o, OPTIM_ADAM, 0.01, 3), 0);
	double x[3] = { 1.0, -2.0, 0.5 }, g1[3] = { 0.3, -4.0, 0.0 }, g2[3] = { -0.1, 2.0, 1.0 };
	optim_step(&o, x, g1);
	assert_true(fabs(x[0] - (1.0 - 0.01 * 0.3 / (0.3 + 1e-8))) < 1e-15);
	assert_true(fabs(x[1] - (-2.0 + 0.01 * 4.0 / (4.0 + 1e-8))) < 1e-15);
	assert_true(x[2] == 0.5);
	double x0 = x[0];
	optim_step(&o, x, g2);
	double m = (0.9 * 0.1 * 0.3 + 0.1 * -0.1) / (1 - 0.81);
	double v = (0.999 * 0.001 * 0.09 + 0.001 * 0.01) / (1 - 0.999 * 0.999);
	assert_true(fabs(x[0] - (x0 - 0.01 * m / (sqrt(v) + 1e-8))) < 1e-15);
	optim_free(&o);
	assert_int_equal(optim_alloc(&o, OPTIM_SGD, 0.1, 3), 0);
	double y[3] = { 1.0, 2.0, 3.0 };
	optim_step(&o, y, g1);
	assert_true(fabs(y[0] - 0.97) < 1e-15 && fabs(y[1] - 2.4) < 1e-15 && y[2] == 3.0);
	optim_free(&o);
}

/* phi = max(0, Wf (x / 255 - 1/2)) row by row, picking images by index. */
static void test_features(void **state)
{
	(void)state;
	enum { P = 6, F = 5, IMGS = 300 };
	uint8_t pix[IMGS * P];
	for (size_t i = 0; i < sizeof pix; i++)
		pix[i] = (uint8_t)(i * 37 % 256);
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(rng, 3);
	gsl_matrix *Wf = gsl_matrix_alloc(F, P), *chunk = gsl_matrix_alloc(FEATURES_CHUNK, P);
	gsl_matrix *phi = gsl_matrix_alloc(IMGS - 1, F);
	features_draw(rng, Wf);
	size_t pick[IMGS - 1];
	for (size_t i = 0; i < IMGS - 1; i++)
		pick[i] = IMGS - 1 - i;
	features_embed(Wf, pix, pick, chunk, phi);
	size_t zeros = 0;
	for (size_t i = 0; i < IMGS - 1; i++)
		for (size_t k = 0; k < F; k++) {
			double z = 0.0;
			for (size_t j = 0; j < P; j++)
				z += gsl_matrix_get(Wf, k, j) * (pix[pick[i] * P + j] / 255.0 - 0.5);
			assert_true(fabs(gsl_matrix_get(phi, i, k) - fmax(z, 0.0)) < 1e-14);
			zeros += z <= 0.0;
		}
	assert_true(zeros > 0 && zeros < (IMGS - 1) * F);
	gsl_matrix_free(Wf);
	gsl_matrix_free(chunk);
	gsl_matrix_free(phi);
	gsl_rng_free(rng);
}


/* Streaming in any pieces gives the one-shot digest; every single-bit
 * change, and a change of length alone, gives another. */
static void test_hash128(void **state)
{
	(void)state;
	enum { LEN = 301 };
	uint8_t data[LEN + 1], ref[HASH128_BYTES], got[HASH128_BYTES];
	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (uint8_t)(i * 37u + 11u);
	hash128_of(data, LEN, ref);
	for (size_t cut1 = 0; cut1 <= LEN; cut1 += 7)
		for (size_t cut2 = cut1; cut2 <= LEN; cut2 += 13) {
			hash128 h;
			hash128_init(&h);
			hash128_update(&h, data, cut1);
			hash128_update(&h, data + cut1, cut2 - cut1);
			hash128_update(&h, data + cut2, LEN - cut2);
			hash128_final(&h, got);
			assert_memory_equal(got, ref, sizeof ref);
		}
	for (size_t bit = 0; bit < 8 * LEN; bit++) {
		data[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		hash128_of(data, LEN, got);
		data[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		assert_true(memcmp(got, ref, sizeof ref) != 0);
	}
	data[LEN] = 0;
	hash128_of(data, LEN + 1, got);
	assert_true(memcmp(got, ref, sizeof ref) != 0);
	/* both 64-bit halves depend on the input */
	uint8_t empty[HASH128_BYTES];
	hash128_of("", 0, empty);
	assert_true(memcmp(empty, ref, 8) != 0 && memcmp(empty + 8, ref + 8, 8) != 0);
	char hex[HASH128_HEX];
	hash128_hex((const uint8_t *)"\x01\x23\x45\x67\x89\xab\xcd\xef\x00\x11\x22\x33\x44\x55\x66\x77",
	            hex);
	assert_string_equal(hex, "0123456789abcdef0011223344556677");
}

/* Stores, finds, and rejects what is not the whole entry of the key. */
static void test_cache_entries(void **state)
{
	(void)state;
	char dir[] = "/tmp/lora_fmnist-cache-XXXXXX", path[300], other[300], why[512], cmd[400];
	assert_non_null(mkdtemp(dir));
	uint8_t key[HASH128_BYTES] = { 1, 2, 3 }, key2[HASH128_BYTES] = { 4, 5, 6 };
	double payload[100];
	for (int i = 0; i < 100; i++)
		payload[i] = i * 0.5;
	cache_entry e;
	assert_int_equal(cache_open(dir, key, sizeof payload, &e, why, sizeof why), CACHE_ABSENT);
	assert_int_equal(cache_store(dir, key, payload, sizeof payload, why, sizeof why), 0);
	assert_int_equal(cache_open(dir, key, sizeof payload, &e, why, sizeof why), CACHE_HIT);
	assert_int_equal(e.size, sizeof payload);
	assert_memory_equal(e.payload, payload, sizeof payload);
	assert_int_equal((uintptr_t)e.payload % 64, 0);
	cache_close(&e);

	assert_int_equal(cache_open(dir, key, sizeof payload - 8, &e, why, sizeof why), CACHE_BAD);
	assert_non_null(strstr(why, "another payload size"));
	/* an entry under another key's name */
	assert_int_equal(cache_path(dir, key, path, sizeof path), 0);
	assert_int_equal(cache_path(dir, key2, other, sizeof other), 0);
	snprintf(cmd, sizeof cmd, "cp '%s' '%s'", path, other);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(cache_open(dir, key2, sizeof payload, &e, why, sizeof why), CACHE_BAD);
	assert_non_null(strstr(why, "holds another key"));
	assert_non_null(strstr(why, other));
	/* a byte too many, and a FIFO (which must not block) */
	FILE *f = fopen(path, "ab");
	assert_non_null(f);
	fputc(0, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(cache_open(dir, key, sizeof payload, &e, why, sizeof why), CACHE_BAD);
	assert_non_null(strstr(why, "trailing bytes"));
	assert_int_equal(unlink(other), 0);
	assert_int_equal(mkfifo(other, 0600), 0);
	assert_int_equal(cache_open(dir, key2, sizeof payload, &e, why, sizeof why), CACHE_BAD);
	assert_non_null(strstr(why, "not a regular file"));
	assert_null(e.map);

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_adapter_gradient),
		cmocka_unit_test(test_full_gradient),
		cmocka_unit_test(test_evaluate_in_chunks),
		cmocka_unit_test(test_evaluate_queued),
		cmocka_unit_test(test_alignment),
		cmocka_unit_test(test_optimizer_steps),
		cmocka_unit_test(test_features),
		cmocka_unit_test(test_hash128),
		cmocka_unit_test(test_cache_entries),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
