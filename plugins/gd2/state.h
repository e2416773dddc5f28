/* state.h -- one gd2 run: the model, the loss, the step rule and the
 * once-per-run constants. */
#ifndef GD2_STATE_H
#define GD2_STATE_H

#include <time.h>

#include "gd2.h"
#include "theory.h"

/* Step-size rules, selected by name (parameter `rule`). */
typedef enum {
	RULE_CONST,       /* eta */
	RULE_ETA0,        /* TMLR eta0 = ETA_max of Theorem E.1, constant */
	RULE_RHO,         /* TMLR eq. (19), h = rho: min(cap, 1/K_t) (cubic fixed point) */
	RULE_RHOBAR,      /* TMLR eq. (19), h = rhobar: min(cap, 1/Kbar_t) */
	RULE_XU_FIXED,    /* AISTATS Theorem 3.2: eta_max */
	RULE_XU_ADAPTIVE, /* AISTATS Algorithm 1 */
	RULE_ARMIJO,      /* backtracking line search */
	RULE_ARORA,       /* Arora et al. 2018: p1^3 / (6144 * 2^3 ||Y||^4) */
	RULE_DU,          /* Du et al. 2018: sqrt(eps/r) / (100 (t+1) ||Y||^{3/2}) */
	RULE_NONOVER      /* GD on l(W) itself with eta = 1/K */
} gd2_rule;

#define GD2_RULES "const|eta0|rho|rhobar|xu_fixed|xu_adaptive|armijo|arora|du|nonover"

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
