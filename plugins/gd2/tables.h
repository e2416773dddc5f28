/* tables.h -- the tables gd2 writes, as X-macro lists X(name, help): each
 * list makes the declared columns (tables.c), the space-separated selection
 * a run opens (COLUMN_NAMES) and the column count (COLUMN_COUNT), so the names, the
 * count and the values of a row cannot drift apart. */
#ifndef GD2_TABLES_H
#define GD2_TABLES_H

#include "../common/columns.h"

/* Table loss: these always, */
#define GD2_LOSS_BASE(X) \
	X(step, "GD step k") \
	X(t, "flow time: the sum of the steps on L so far (eta k for rule=const)") \
	X(loss, "the loss of loss_scale at step k") \
	X(grad_norm, "||grad L||_F, scaled as the loss") \
	X(imbalance_drift, "||D(k) - D(0)||_F, D = W1^T W1 - W2 W2^T (0 for rule=nonover)") \
	X(log10_loss, "log10 of the loss (logistic: of the loss above the rounding floor)") \
	X(eta, "the step size on the loss of loss_scale")
/* with stats=full TMLR Theorem 3.1/3.2/E.1 along the run and running checks
 * over every step so far (checks.c), */
#define GD2_LOSS_TMLR(X) \
	X(mu_t, "PL constant mu sigma_min^2(T) at step k (eq. 11)") \
	X(K_t, "local smoothness K_t (eq. 12)") \
	X(Kbar_t, "the a-priori smoothness bound Kbar_t") \
	X(rho, "rate factor rho(eta) = 1 - eta mu_t (2 - K_t eta) (eq. 10)") \
	X(rhobar, "rate factor rhobar(eta) from Kbar_t") \
	X(bound_rho, "L(0) times the product of rho so far") \
	X(bound_rhobar, "L(0) times the product of rhobar so far") \
	X(bound_eta0, "L(0) rhobar0^k (eq. 17)") \
	X(log10_bound_rho, "log10 of bound_rho (summed, no underflow)") \
	X(log10_bound_rhobar, "log10 of bound_rhobar (summed, no underflow)") \
	X(log10_bound_eta0, "log10 of bound_eta0") \
	X(smin2_T, "sigma_min^2 of the map T (Lemma 3.1)") \
	X(smax2_T, "sigma_max^2 of the map T (Lemma 3.1)") \
	X(smin_W, "smallest singular value of W1 W2") \
	X(smax_W, "largest singular value of W1 W2") \
	X(drift_step, "||D(k) - D(k-1)||_F") \
	X(min_pl_ratio, "running min of ||grad L||^2 / (2 mu_t L) (eq. 9; DBL_MAX before the first)") \
	X(min_descent_gap, "running min of the descent lemma's slack / L(k-1)") \
	X(min_rho_gap, "running min of (rho L(k-1) - L(k)) / L(k-1) (eq. 10)") \
	X(min_drift_slack, "running min of the Lemma E.2 bound's relative slack") \
	X(max_ratio_rho, "running max of L / bound_rho") \
	X(max_ratio_rhobar, "running max of L / bound_rhobar") \
	X(max_ratio_eta0, "running max of L / bound_eta0") \
	X(min_eta_incr, "running min of the relative step increase (eta_k - eta_k-1) / eta_k-1") \
	X(max_eq131_err, "running max of the error of the eq. 131 prediction of D(k+1)") \
	X(ok_pl, "1 if the PL inequality (eq. 9) held at every step so far, else 0") \
	X(ok_descent, "1 if the descent lemma held at every step so far, else 0") \
	X(ok_rho, "1 if L(k) <= rho L(k-1) held at every step so far, else 0") \
	X(ok_drift, "1 if Lemma E.2's drift bound held at every step so far, else 0") \
	X(ok_bound_rho, "1 if L <= bound_rho at every step so far, else 0") \
	X(ok_bound_rhobar, "1 if L <= bound_rhobar at every step so far, else 0") \
	X(ok_bound_eta0, "1 if L <= bound_eta0 at every step so far, else 0") \
	X(ok_lemma31, "1 if Lemma 3.1's singular value bounds held at every step so far, else 0") \
	X(ok_mubar, "1 if mu_bar <= mu_t at every step so far, else 0") \
	X(ok_kbar, "1 if K_t <= Kbar_t at every step so far, else 0") \
	X(ok_eta_nondecr, "1 if the step never decreased so far, else 0")
/* with stats=full and the squared loss AISTATS Theorem 3.2 (checks.c), */
#define GD2_LOSS_AISTATS(X) \
	X(f_xu, "rate factor f(eta_k, k) (AISTATS eq. 26)") \
	X(bound_f, "L(0) times the product of f so far") \
	X(bound_f0, "L(0) f(eta_0, 0)^k (eq. 32)") \
	X(log10_bound_f, "log10 of bound_f (summed, no underflow)") \
	X(log10_bound_f0, "log10 of bound_f0") \
	X(max_ratio_f, "running max of L / bound_f") \
	X(min_f_minus_floor, "running min of f - (1 - 1/kappa) (Prop. 3.1)") \
	X(min_f_gap, "running min of (f L(k-1) - L(k)) / L(k-1) (Theorem 3.2)") \
	X(ok_f, "1 if f >= 1 - 1/kappa at every step so far, else 0") \
	X(ok_fstep, "1 if L(k) <= f L(k-1) at every step so far, else 0") \
	X(ok_bound_f, "1 if L <= bound_f at every step so far, else 0")
/* and with wall_clock=true */
#define GD2_LOSS_WALL(X) \
	X(wall, "CPU seconds since the start of setup (not reproducible)")

/* Table summary (one row). */
#define GD2_SUMMARY(X) \
	X(c, "level of imbalance c = delta (S1 eq. 9)") \
	X(delta_plus, "Delta+ of S1 Table 2") \
	X(delta_minus, "Delta- of S1 Table 2") \
	X(lambda_plus, "largest positive eigenvalue of D(0) (0 if none)") \
	X(lambda_minus, "minus the most negative eigenvalue of D(0) (0 if none)") \
	X(loss0, "L(0), scaled as the loss") \
	X(loss_star, "L* = min of L, scaled as the loss") \
	X(lambda_r_x, "smallest nonzero eigenvalue of X^T X (sigma_r^2)") \
	X(lambda_1_x, "largest eigenvalue of X^T X (sigma_1^2)") \
	X(bound_rate, "rate 2 lambda_r_x c of the S1 Theorem 1 bound, per unit of t")

/* Table d0_spectrum (one row per eigenvalue). */
#define GD2_D0_SPECTRUM(X) \
	X(i, "index, 1 = largest") \
	X(lambda, "eigenvalue of D(0) = W1^T W1 - W2 W2^T at t = 0")

/* Table tmlr (one row; step = 0 so that seeds aggregate). */
#define GD2_TMLR(X) \
	X(step, "0") \
	X(K, "smoothness K of l") \
	X(mu, "PL constant mu of l") \
	X(lstar, "L* = min of L (summed loss)") \
	X(L0, "L(0) (summed loss)") \
	X(alpha1, "alpha1 of TMLR Lemma 3.1") \
	X(alpha2, "alpha2 of TMLR Lemma 3.1") \
	X(alpha_ratio, "alpha1 / alpha2") \
	X(beta1, "beta1 of TMLR Lemma 3.1") \
	X(beta2, "beta2 of TMLR Lemma 3.1") \
	X(lam_plus, "largest positive eigenvalue of D(0)") \
	X(lam_minus, "minus the most negative eigenvalue of D(0)") \
	X(delta, "level of imbalance delta") \
	X(delta_plus, "Delta+") \
	X(delta_minus, "Delta-") \
	X(eta01, "first bound on eta0 of Theorem E.1") \
	X(eta02, "second bound on eta0 of Theorem E.1") \
	X(eta02_found, "1 if the root defining eta02 was found, else 0") \
	X(eta03, "third bound on eta0 of Theorem E.1") \
	X(eta0, "eta0 = min(eta01, eta02, eta03)") \
	X(mu_bar, "mu_bar, the lower bound on mu_t (Theorem 3.2)") \
	X(rhobar0, "rhobar at step 0 with eta0") \
	X(Kbar0, "Kbar_t at t = 0") \
	X(Kbar_inf, "Kbar_t as t -> infinity") \
	X(sig_lo, "lower bound on sigma_min^2(T) (Lemma 3.1)") \
	X(sig_hi, "upper bound on sigma_max^2(T) (Lemma 3.1)") \
	X(sminWs, "smallest singular value of W*") \
	X(smaxWs, "largest singular value of W*") \
	X(dist0, "||W(0) - W*||_F") \
	X(check_floor, "L below which the running checks skip L-based inequalities") \
	X(lemma_a2_err, "relative error of Lemma A.2's extreme sigma^2(T) at t = 0 against an eigen-solver (-1: d m > 900, not checked)")

/* Table aistats (one row; step = 0 so that seeds aggregate). */
#define GD2_AISTATS(X) \
	X(step, "0") \
	X(kappa, "condition number of X^T X on its row space") \
	X(sminX, "smallest nonzero singular value of X") \
	X(smaxX, "largest singular value of X") \
	X(L0, "L(0) (summed loss)") \
	X(p1, "p1 of AISTATS Theorem 3.1") \
	X(p2, "p2 of AISTATS Theorem 3.1") \
	X(alpha0, "alpha0 of AISTATS Theorem 3.1") \
	X(beta0, "beta0 of AISTATS Theorem 3.1") \
	X(alpha0_ratio, "alpha0 / beta0") \
	X(a1, "coefficient a1 of f (eq. 26)") \
	X(a2_0, "coefficient a2 of f at L(0)") \
	X(a3_0, "coefficient a3 of f at L(0)") \
	X(a4_0, "coefficient a4 of f at L(0)") \
	X(etamax1, "first bound on eta_max (Theorem 3.2)") \
	X(etamax2, "second bound on eta_max (Theorem 3.2)") \
	X(etamax, "eta_max = min(etamax1, etamax2)") \
	X(f0, "f(eta_max, 0)") \
	X(rate_floor, "1 - 1/kappa, the floor of f (Prop. 3.1)") \
	X(normY, "||Y||_F") \
	X(sminY, "smallest nonzero singular value of Y") \
	X(rankY, "rank of Y") \
	X(normE0, "||E(0)||_F, the initial residual")

extern const lindyn_table_def gd2_tables[];

#endif
