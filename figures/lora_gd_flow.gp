# GD at eta = 1e-4 (the paper's procedure) against the gradient flow integrated
# by rk8pd, for one seed of Figure 1's random init; the legend gives the
# gradient evaluations each run used.  Data lines: gd and flow, the loss table
# of each solver at the two alphas (sweep order).
size_pdf = '5.5in,3.6in'
size_png = '1000,660'
load lindyn_style
steps(t) = t / 1e-4
# '1e-5' -> '10^{-5}' for the legend; other values as written
pow10(a) = (a[1:2] eq '1e' ? '10^{'.a[3:].'}' : a)
# the flow run at the alpha of the i-th GD run
flow_at(i) = lindyn_pick('flow', 'alpha='.word(gd_alpha, i))
array n_gd[2]
array n_flow[2]
do for [i=1:2] {
    stats word(gd, i) using 'evals' nooutput
    n_gd[i] = int(STATS_max)
    stats flow_at(i) using 'evals' nooutput
    n_flow[i] = int(STATS_max)
}
set xlabel 't/η (GD steps, η = 10^{-4})'
set ylabel 'log_{10} L'
set format x '%.0s%c'
set xrange [0:50000]
set yrange [-23:3]
set key top right font ',8'
plot word(gd, 1) using (steps(column('t'))):'log10_loss' with lines lw 2 lc rgb c1 \
        title sprintf('α = %s, GD: %d evaluations', pow10(word(gd_alpha, 1)), n_gd[1]), \
     flow_at(1) using (steps(column('t'))):'log10_loss' with points pt 6 ps 0.6 lc rgb c2 \
        title sprintf('α = %s, %s rtol %s: %d', pow10(word(gd_alpha, 1)), word(flow_method, 1), pow10(word(flow_rel_tol, 1)), n_flow[1]), \
     word(gd, 2) using (steps(column('t'))):'log10_loss' with lines lw 2 lc rgb c3 \
        title sprintf('α = %s, GD: %d evaluations', pow10(word(gd_alpha, 2)), n_gd[2]), \
     flow_at(2) using (steps(column('t'))):'log10_loss' with points pt 6 ps 0.6 lc rgb c4 \
        title sprintf('α = %s, %s rtol %s: %d', pow10(word(gd_alpha, 2)), word(flow_method, 2), pow10(word(flow_rel_tol, 2)), n_flow[2])
