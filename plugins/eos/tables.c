/* tables.c -- the tables the eos plugin writes and the meaning of their
 * columns.  A column that exists only for some models says which; a run
 * writes the selection its model has (run.c), in the order listed here. */
#include "eos.h"

/* x_t is the iterate, p_t its foot point on M, x* the flattest minimiser
 * nearest x_t, T = steps; distances are Euclidean norms in R^D. */

static const lindyn_column model_columns[] = {
	{"eta", "the step size (eta_c times eta when eta_unit=crit)"},
	{"lambda0", "sharpness on M at the start's foot point, lambda(p_0)"},
	{"sharp0", "sharpness lambda_max(Hess f) at the start x_0"},
	{"alpha0", "signed normal coordinate <x_0 - p_0, n> of the start"},
	{"eta_c", "product, net: the critical step 2/lambda*"},
	{"eta_rel", "product, net: eta / eta_c"},
	{"lambda_star", "product, net: the least sharpness on M, lambda*"},
	{"sharp_star", "product, net: sharpness lambda_max(Hess f) at x* nearest x_0"},
	{"tstar", "valley, logistic: t* of the survey's Theorem 8 (eq. 44), steps; 0 when GD "
	          "starts stable"},
	{NULL, NULL}};

static const lindyn_column traj_columns[] = {
	{"t", "step"},
	{"loss", "f(x_t)"},
	{"alpha", "signed normal coordinate <x_t - p_t, n> (the oscillation)"},
	{"sharp", "sharpness lambda_max(Hess f(x_t))"},
	{"sharp_m", "sharpness lambda_max(Hess f(p_t)) at the foot point on M"},
	{"rate", "per-step contraction of the oscillation, sqrt|alpha_{t+2} / alpha_t|"},
	{"p1", "|x_{t+1} - x_t|"},
	{"p2", "|x_{t+2} - x_t| (0 on a period-2 cycle)"},
	{"p4", "|x_{t+4} - x_t| (0 on a period-4 cycle)"},
	{"p2ratio", "|x_{t+4} - x_{t+2}| / |x_{t+2} - x_t| (0 when the denominator is 0)"},
	{"r", "product, net, valley: residual g(x_t) - y"},
	{"gradg2_m", "product, net, valley: ||grad g(p_t)||^2, the sharpness on M at p_t"},
	{"dist", "product, net: |x_t - x*|"},
	{"gap", "product, net: ||grad g(p_t)||^2 - lambda*, the sharpness on M above the least"},
	{"spread", "product, net: spread of the factors (product: max x_i - min x_i; net: |v - w|)"},
	{"balance", "product, net: the balancing quantity GD contracts (product: max x_i^2 - "
	            "min x_i^2; net: ||v v^T - w w^T||_F)"},
	{"bal2", "product, net: balance(x_{t+2}) / balance(x_t) (0 when balance is 0)"},
	{"bal_err", "product with depth=2, net: relative error of the exact one-step factor "
	            "|1 - eta^2 r^2 c^2| of balance"},
	{NULL, NULL}};

static const lindyn_column reduced_columns[] = {
	{"t", "step"},
	{"loss", "f predicted by the survey's reduced dynamics, eq. (42)"},
	{"alpha", "predicted oscillation (normal coordinate)"},
	{"lambda", "predicted sharpness on M"},
	{NULL, NULL}};

static const lindyn_column summary_columns[] = {
	{"eta", "the step size (eta_c times eta when eta_unit=crit)"},
	{"loss", "f(x_T)"},
	{"sharp", "sharpness lambda_max(Hess f(x_T))"},
	{"sharp_m", "sharpness lambda_max(Hess f(p_T)) at the foot point on M"},
	{"alpha", "signed normal coordinate <x_T - p_T, n>"},
	{"amp", "oscillation amplitude per coordinate, |x_{T+1} - x_T| / sqrt(D)"},
	{"p1", "|x_{T+1} - x_T|"},
	{"p2", "|x_{T+2} - x_T|"},
	{"p4", "|x_{T+4} - x_T|"},
	{"period", "least k in 1, 2, 4, 8 with |x_{T+k} - x_T| <= 1e-12 (1 + |x_T|); 0 when none"},
	{"t_stable", "step after the last logged one with eta lambda(p_t) >= 2 (0 when none)"},
	{"o1", "first coordinate of x_T (o1..o8: the orbit x_T .. x_{T+7})"},
	{"o2", "first coordinate of x_{T+1}"},
	{"o3", "first coordinate of x_{T+2}"},
	{"o4", "first coordinate of x_{T+3}"},
	{"o5", "first coordinate of x_{T+4}"},
	{"o6", "first coordinate of x_{T+5}"},
	{"o7", "first coordinate of x_{T+6}"},
	{"o8", "first coordinate of x_{T+7}"},
	{"r", "product, net, valley: residual g(x_T) - y"},
	{"gradg2_m", "product, net, valley: ||grad g(p_T)||^2, the sharpness on M at p_T"},
	{"eta_rel", "product, net: eta / eta_c"},
	{"dist", "product, net: |x_T - x*|"},
	{"gap", "product, net: ||grad g(p_T)||^2 - lambda*"},
	{"spread", "product, net: spread of the factors at x_T (see traj)"},
	{"balance", "product, net: the balancing quantity at x_T (see traj)"},
	{"tstar", "valley, logistic: t* of the survey's Theorem 8 (eq. 44), steps; 0 when none"},
	{"alpha_bound", "valley, logistic: Theorem 8's rate bound max(|1 - eta l*|, |1 - eta l~*|); "
	                "0 when t* is 0 or beyond steps"},
	{NULL, NULL}};

const lindyn_table_def eos_tables[] = {
	{"model", "one row before the loop: the step against the model's thresholds", model_columns},
	{"traj", "one row per logged step (log_linear, log_per_decade, and the last)", traj_columns},
	{"reduced", "valley, logistic: the survey's reduced predictor on the grid of traj",
	 reduced_columns},
	{"summary", "one row at the last step: the limit point or the limiting cycle",
	 summary_columns},
	{NULL, NULL, NULL}};
