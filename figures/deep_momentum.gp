# Deep linear networks: heavy ball vs GD (left), imbalance drift vs step size (right).
# Data (paper/deep_linear.md): steps = deep_momentum/summary.final (one row per
# (momentum, depth) point); drift = deep_eta/loss, one run per step size eta.
size_pdf = '7in,3in'; size_png = '1400,600'
load lindyn_style
set multiplot layout 1,2
set title 'steps to reach loss 10^{-6}'
set xlabel 'depth L'
set ylabel 'steps'
set xrange [1.5:5.5]
set xtics 1
set key top right
plot steps using (column('momentum') == 0 ? column('depth') : NaN):'steps_to_tol_mean':'steps_to_tol_std' \
        with yerrorlines lw 2 lc rgb c1 title 'GD ({/Symbol b} = 0)', \
     steps using (column('momentum') > 0 ? column('depth') : NaN):'steps_to_tol_mean':'steps_to_tol_std' \
        with yerrorlines lw 2 lc rgb c2 title 'heavy ball ({/Symbol b} = 0.9)'
set title 'imbalance drift, depth 3, to t = {/Symbol h}k = 20'
set xlabel 't = {/Symbol h} k'
set ylabel 'max_i ||D_i(t) - D_i(0)||_F'
set autoscale x
set xtics autofreq
set logscale y
set format y '10^{%L}'
set key bottom right
colors = c1.' '.c2.' '.c3
plot for [i=1:words(drift)] word(drift, i) using 't':'imbalance_drift' with lines lw 2 \
        lc rgb word(colors, i) title sprintf('{/Symbol h} = %g', lindyn_num(word(drift_eta, i)))
unset multiplot
