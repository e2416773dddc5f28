# S2 Fig. 3: loss (linear, log) and instantaneous rate of the gradient flow
# (rk4_gf) for the E1 initializations, with GD (gd2) dots, the Theorem 1 bound
# and the Prop. 1 rate bound.  x axis: iteration k = t n / (2 eta) = t / 1e-5.
size_pdf = '11in,3.4in'
size_png = '2100,650'
load 'figures/style.gp'
f = datadir.'/gf_e1_flow/'
g = datadir.'/gf_e1_gd/'
array P[4] = ['init-balanced_sigma_u-0.1_sigma_v-0.1', 'init-gauss_sigma_u-0.1_sigma_v-0.1', \
              'init-gauss_sigma_u-0.5_sigma_v-0.02', 'init-gauss_sigma_u-0.05_sigma_v-0.2']
array NAME[4] = ['balanced', 'case 1', 'case 2', 'case 3']
array COL[4] = [c7, c1, c2, c3]
fl(i) = f.P[i].'/s0/loss.tsv'
gl(i) = g.P[i].'/s0/loss.tsv'
K = 1e5   # iterations per unit of flow time (n / 2 eta)

set multiplot layout 1,3
set xlabel 'iteration k'
set xrange [0:15000]
set xtics 5000
set key top right font ',8'

set title 'loss'
set ylabel 'loss (1/n)||Y - XUV^T||^2'
set format y '%.2f'
plot for [i=1:4] fl(i) using ($1*K):2 with lines lw 1.5 lc rgb COL[i] title NAME[i], \
     for [i=1:4] gl(i) using 1:3 every 20 with points pt 7 ps 0.6 lc rgb COL[i] notitle

set title 'log loss'
set logscale y
set format y '10^{%L}'
set yrange [1e-9:2e-1]
plot for [i=1:4] fl(i) using ($1*K):2 with lines lw 1.5 lc rgb COL[i] notitle, \
     for [i=2:4] fl(i) using ($1*K):7 with lines dt 2 lc rgb COL[i] notitle, \
     for [i=1:4] gl(i) using 1:3 every 20 with points pt 7 ps 0.6 lc rgb COL[i] notitle, \
     NaN with lines lw 1.5 lc rgb '#666666' title 'flow (rk8pd)', \
     NaN with points pt 7 ps 0.6 lc rgb '#666666' title 'GD, η = 5e-4', \
     NaN with lines dt 2 lc rgb '#666666' title 'Theorem 1 bound'

set title 'instantaneous rate -dL/dt / (L - L*)'
set ylabel 'rate'
set yrange [1:500]
set format y '%g'
plot for [i=1:4] fl(i) using ($1*K):4 with lines lw 1.5 lc rgb COL[i] notitle, \
     for [i=1:4] fl(i) using ($1*K):5 with lines dt 2 lc rgb COL[i] notitle, \
     NaN with lines dt 2 lc rgb '#666666' title 'Prop. 1 bound (S2 eq. 17)'
unset multiplot
