# S1 Fig. 2: averaged loss of GD (gd2) vs iteration for the balanced init and
# the imbalanced cases, with the Theorem 1 bound L0 exp(-bound_rate t).
# Data (figvars): balanced (loss), cases (loss of each imbalanced case, with
# cases_sigma_u / cases_sigma_v), case_summary (their summary tables).
size_pdf = '5in,3.6in'
load lindyn_style
colours = c1.' '.c2.' '.c3.' '.c4.' '.c5.' '.c6
case_sel(k) = sprintf('sigma_u=%s sigma_v=%s', word(cases_sigma_u, k), word(cases_sigma_v, k))
# Level of imbalance c, L0 and the bound's rate 2 lambda_r c from each case's summary.
ncases = words(cases)
array lev[ncases]
array L0[ncases]
array rate[ncases]
do for [k=1:ncases] {
    s = lindyn_pick('case_summary', case_sel(k))
    stats s using 'c' nooutput
    lev[k] = STATS_max
    stats s using 'loss0' nooutput
    L0[k] = STATS_max
    stats s using 'bound_rate' nooutput
    rate[k] = STATS_max
}
set logscale y
set format y '10^{%L}'
set yrange [1e-9:2e-1]
set xrange [0:15000]
set xtics 5000
set mxtics 5
set xlabel 'iteration k'
set ylabel 'loss (1/n)||Y - XUV^T||^2'
set key bottom left Left reverse font ',8'
plot balanced using 'step':'loss' with lines lw 1.5 lc rgb c7 title 'balanced (c = 0)', \
     for [k=1:ncases] word(cases, k) using 'step':'loss' with lines lw 1.5 lc rgb word(colours, k) \
         title sprintf('case %d: σ_U = %s, σ_V = %s, c = %.3g', k, word(cases_sigma_u, k), word(cases_sigma_v, k), lev[k]), \
     for [k=1:ncases] word(cases, k) using 'step':(L0[k]*exp(-rate[k]*column('t'))) with lines dt 2 lc rgb word(colours, k) notitle, \
     NaN with lines dt 2 lc rgb '#666666' title 'Theorem 1 bound'
