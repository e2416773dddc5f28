/* state.h -- one gd2 run: the model, the loss, the step rule and the
 * once-per-run constants. */
#ifndef GD2_STATE_H
#define GD2_STATE_H

#include <time.h>

#include "gd2.h"
#include "../common/enumlist.h"
#include "../common/twolayer.h"
#include "theory.h"

/* Step-size rules, selected by name (parameter `rule`):
 *   const        eta
 *   eta0         TMLR eta0 = ETA_max of Theorem E.1, constant
 *   rho          TMLR eq. (19), h = rho: min(cap, 1/K_t) (cubic fixed point)
 *   rhobar       TMLR eq. (19), h = rhobar: min(cap, 1/Kbar_t)
 *   xu_fixed     AISTATS Theorem 3.2: eta_max
 *   xu_adaptive  AISTATS Algorithm 1
 *   armijo       backtracking line search
 *   arora        Arora et al. 2018: p1^3 / (6144 * 2^3 ||Y||^4)
 *   du           Du et al. 2018: sqrt(eps/r) / (100 (t+1) ||Y||^{3/2})
 *   nonover      GD on l(W) itself with eta = 1/K */
#define GD2_RULE_LIST(X) \
	X(RULE, CONST, const) X(RULE, ETA0, eta0) X(RULE, RHO, rho) X(RULE, RHOBAR, rhobar) \
	X(RULE, XU_FIXED, xu_fixed) X(RULE, XU_ADAPTIVE, xu_adaptive) X(RULE, ARMIJO, armijo) \
	X(RULE, ARORA, arora) X(RULE, DU, du) X(RULE, NONOVER, nonover)
typedef enum { GD2_RULE_LIST(ENUM_MEMBER) } gd2_rule;

/* The other ENUM parameters (gd2.c): data extends the shared kinds. */
#define GD2_DATA_EXTRA(X) X(DATA, SPECTRUM, spectrum) X(DATA, NPY, npy)
#define GD2_DATA_LIST(X) TWOLAYER_DATA_LIST(X) GD2_DATA_EXTRA(X)
enum { GD2_DATA_SHARED_LAST = DATA_IDENTITY, GD2_DATA_EXTRA(ENUM_MEMBER) };
typedef long gd2_data; /* a twolayer_data_kind or DATA_SPECTRUM, DATA_NPY */
#define GD2_TARGET_LIST(X) X(TARGET, TEACHER, teacher) X(TARGET, INIT, init)
typedef enum { GD2_TARGET_LIST(ENUM_MEMBER) } gd2_target;
#define GD2_INIT_LIST(X) \
	X(INIT, GAUSS, gauss) X(INIT, BALANCED, balanced) X(INIT, THETA_BALANCED, theta_balanced) \
	X(INIT, NPY, npy)
typedef enum { GD2_INIT_LIST(ENUM_MEMBER) } gd2_init;
#define GD2_SCALE_LIST(X) X(SCALE, SUM, sum) X(SCALE, MEAN, mean)
typedef enum { GD2_SCALE_LIST(ENUM_MEMBER) } gd2_scale;
#define GD2_STATS_LIST(X) X(STATS, BASIC, basic) X(STATS, FULL, full)
typedef enum { GD2_STATS_LIST(ENUM_MEMBER) } gd2_stats;
#define GD2_REDUCE_LIST(X) X(REDUCE, SUBSPACE, subspace) X(REDUCE, NONE, none)
typedef enum { GD2_REDUCE_LIST(ENUM_MEMBER) } gd2_reduce;

typedef struct {
	gd2_model mo;
	gd2_subspace sub;   /* reduce=subspace with d + m < h; sub.Q == NULL otherwise */
	gsl_matrix *W1h, *W2h; /* the full-width weights: sub.W1, sub.W2 or mo.W1, mo.W2 */
	gd2_loss loss;
	gd2_levels levels;
	gsl_matrix *Wstar;
	gd2_tmlr tmlr;
	gd2_aistats ais;
	gsl_root_fsolver *solver; /* Brent workspace of every root */
	int have_tmlr, have_ais;
	gd2_rule rule;
	int growth_cap, stats_full, wall_clock, save_weights;
	double scale;       /* reported loss = scale * L */
	double eta_L;       /* the constant step on L (rule=const) */
	double bt_eta, bt_tau, bt_gamma;
	long steps, log_every, log_per_decade;
	double stop_loss;
	double L0, normY, sminY, rankY, normE0;
	double floor;       /* below this L the rounding of L exceeds 1e-3 relative */
	double drift_tol;   /* rounding allowance of the per-step drift */
	struct timespec t_start;
} gd2_state;

/* Once-per-run constants (constants.c).  Reports failures through h. */
int gd2_constants_init(gd2_state *s, lindyn_host *h);
int gd2_constants_emit(gd2_state *s, lindyn_host *h);

/* The step of rule s->rule at iteration k on L (rules.c).  sp holds the
 * spectra when the rule needs them (rho); the gradient products are current. */
int gd2_rule_step(gd2_state *s, lindyn_host *h, long k, double L, double g2,
                  const gd2_spectra *sp, double *eta);
int gd2_rule_needs_spectra(const gd2_state *s);

/* The iteration loops (run.c). */
int gd2_run_twolayer(gd2_state *s, lindyn_host *h);
int gd2_run_nonover(gd2_state *s, lindyn_host *h);

#endif
