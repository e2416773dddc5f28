# S2 Fig. 2: scaled imbalance spectrum at h = 30 and 1000, and loss and
# instantaneous rate vs iteration (k = t / 1e-3) for h = 30, 100, 300, 1000.
size_pdf = '11in,3.4in'
size_png = '2100,650'
load 'figures/style.gp'
e = datadir.'/gf_e3/'
array H[4] = [30, 100, 300, 1000]
array COL[4] = [c1, c2, c3, c4]
fl(i) = sprintf('%sh-%d/s0/loss.tsv', e, H[i])
sp(h) = sprintf('%sh-%d/s0/spectrum.tsv', e, h)
K = 1e3   # iterations per unit of flow time, n m / (2 eta)

set multiplot layout 1,3
set key font ',8'

set title 'imbalance spectrum λ_i(Λ)/(mh)'
set xlabel 'index i'
set ylabel 'scaled eigenvalue'
set logscale x
set xrange [0.8:1300]
set yrange [-0.35:0.65]
set key top right
plot sp(30) using 1:3 with points pt 7 ps 0.6 lc rgb c1 title 'h = 30', \
     sp(1000) using 1:3 with points pt 6 ps 0.6 lc rgb c4 title 'h = 1000', \
     0 with lines lc rgb '#999999' notitle
unset logscale x

set title 'loss (1/(nm))||Y - UV^T/sqrt(mh)||^2'
set xlabel 'iteration k'
set ylabel 'loss'
set xrange [0:15000]
set xtics 5000
set yrange [1e-7:1]
set logscale y
set format y '10^{%L}'
set key bottom left
plot for [i=1:4] fl(i) using ($1*K):2 with lines lw 1.5 lc rgb COL[i] title sprintf('h = %d', H[i]), \
     for [i=1:4] fl(i) using ($1*K):7 with lines dt 2 lc rgb COL[i] notitle, \
     NaN with lines dt 2 lc rgb '#666666' title 'Theorem 3 bound'

set title 'instantaneous rate -dL/dt / (L - L*)'
set ylabel 'rate (per unit flow time)'
unset logscale y
set format y '%g'
set yrange [0:1.3]
set key top right
plot for [i=1:4] fl(i) using ($1*K):4 with lines lw 1.5 lc rgb COL[i] title sprintf('h = %d', H[i]), \
     for [i=1:4] fl(i) using ($1*K):5 with lines dt 2 lc rgb COL[i] notitle, \
     NaN with lines dt 2 lc rgb '#666666' title 'Prop. 1 bound'
unset multiplot
