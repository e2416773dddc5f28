# S1 Fig. 2: averaged loss of GD (gd2) vs iteration for the balanced init and
# the three imbalanced cases, with the Theorem 1 bound L0 exp(-bound_rate t).
size_pdf = '5in,3.6in'
load 'figures/style.gp'
e = datadir.'/gf_e1_gd/'
pt(p) = e.p.'/s0/'
P0 = 'init-balanced_sigma_u-0.1_sigma_v-0.1'
P1 = 'init-gauss_sigma_u-0.1_sigma_v-0.1'
P2 = 'init-gauss_sigma_u-0.5_sigma_v-0.02'
P3 = 'init-gauss_sigma_u-0.05_sigma_v-0.2'
# level of imbalance c (column 1), L0 (6) and the bound's rate 2 lambda_r c (10) from each summary
do for [k=1:3] {
    p = (k == 1 ? P1 : k == 2 ? P2 : P3)
    stats pt(p).'summary.tsv' using 1 nooutput
    eval sprintf('lev%d = STATS_max', k)
    stats pt(p).'summary.tsv' using 6 nooutput
    eval sprintf('L%d = STATS_max', k)
    stats pt(p).'summary.tsv' using 10 nooutput
    eval sprintf('r%d = STATS_max', k)
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
plot pt(P0).'loss.tsv' using 1:3 with lines lw 1.5 lc rgb c7 title 'balanced (c = 0)', \
     pt(P1).'loss.tsv' using 1:3 with lines lw 1.5 lc rgb c1 title sprintf('case 1: σ_U = 0.1, σ_V = 0.1, c = %.2f', lev1), \
     pt(P1).'loss.tsv' using 1:(L1*exp(-r1*$2)) with lines dt 2 lc rgb c1 notitle, \
     pt(P2).'loss.tsv' using 1:3 with lines lw 1.5 lc rgb c2 title sprintf('case 2: σ_U = 0.5, σ_V = 0.02, c = %.1f', lev2), \
     pt(P2).'loss.tsv' using 1:(L2*exp(-r2*$2)) with lines dt 2 lc rgb c2 notitle, \
     pt(P3).'loss.tsv' using 1:3 with lines lw 1.5 lc rgb c3 title sprintf('case 3: σ_U = 0.05, σ_V = 0.2, c = %.1f', lev3), \
     pt(P3).'loss.tsv' using 1:(L3*exp(-r3*$2)) with lines dt 2 lc rgb c3 notitle, \
     NaN with lines dt 2 lc rgb '#666666' title 'Theorem 1 bound'
