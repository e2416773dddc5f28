# GD at eta = 1e-4 (the paper's procedure) against the gradient flow integrated
# by rk8pd, for one seed of Figure 1's random init; the legend gives the
# gradient evaluations each run used.  loss.tsv columns: 1 t, 3 evals, 5 log10_loss.
size_pdf = '5.5in,3.6in'
size_png = '1000,660'
load 'figures/style.gp'
e = datadir.'/lora_fig1_cost/'
f(a, run) = e.'alpha-'.a.'_solver-'.run.'/s0/loss.tsv'
steps(t) = t / 1e-4
do for [a in '1e-3 1e-5'] {
    do for [run in 'gd_rtol-1e-10 rk8pd_rtol-1e-6'] {
        stats f(a, run) using 3 nooutput
        eval sprintf("n_%s_%s = %d", a eq '1e-3' ? 'a3' : 'a5', run[1:2], STATS_max)
    }
}
set xlabel 't/η (GD steps, η = 10^{-4})'
set ylabel 'log_{10} L'
set format x '%.0s%c'
set xrange [0:50000]
set yrange [-23:3]
set key top right font ',8'
plot f('1e-3', 'gd_rtol-1e-10') using (steps($1)):5 with lines lw 2 lc rgb c1 \
        title sprintf('α = 10^{-3}, GD: %d evaluations', n_a3_gd), \
     f('1e-3', 'rk8pd_rtol-1e-6') using (steps($1)):5 with points pt 6 ps 0.6 lc rgb c2 \
        title sprintf('α = 10^{-3}, rk8pd rtol 10^{-6}: %d', n_a3_rk), \
     f('1e-5', 'gd_rtol-1e-10') using (steps($1)):5 with lines lw 2 lc rgb c3 \
        title sprintf('α = 10^{-5}, GD: %d evaluations', n_a5_gd), \
     f('1e-5', 'rk8pd_rtol-1e-6') using (steps($1)):5 with points pt 6 ps 0.6 lc rgb c4 \
        title sprintf('α = 10^{-5}, rk8pd rtol 10^{-6}: %d', n_a5_rk)
