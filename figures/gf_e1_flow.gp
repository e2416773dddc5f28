# S2 Fig. 3: loss (linear, log) and instantaneous rate of the gradient flow
# (rk4_gf) for the E1 initializations, with GD (gd2) dots, the Theorem 1 bound
# and the Prop. 1 rate bound.  x axis: iteration k = t n / (2 eta) = t / 1e-5.
# Data (figvars): flow_balanced / flow_cases (rk4_gf loss tables), gd_balanced /
# gd_cases (gd2 loss tables); a case's GD run is picked by its sigma_u, sigma_v.
size_pdf = '11in,3.4in'
size_png = '2100,650'
load lindyn_style
colours = c1.' '.c2.' '.c3.' '.c4.' '.c5.' '.c6
ncases = words(flow_cases)
fl(k) = word(flow_cases, k)
gl(k) = lindyn_pick('gd_cases', sprintf('sigma_u=%s sigma_v=%s', \
                    word(flow_cases_sigma_u, k), word(flow_cases_sigma_v, k)))
clr(k) = word(colours, k)
K = 1e5   # iterations per unit of flow time (n / 2 eta)

set multiplot layout 1,3
set xlabel 'iteration k'
set xrange [0:15000]
set xtics 5000
set key top right font ',8'

set title 'loss'
set ylabel 'loss (1/n)||Y - XUV^T||^2'
set format y '%.2f'
plot flow_balanced using (column('t')*K):'loss' with lines lw 1.5 lc rgb c7 title 'balanced', \
     for [k=1:ncases] fl(k) using (column('t')*K):'loss' with lines lw 1.5 lc rgb clr(k) title sprintf('case %d', k), \
     gd_balanced using 'step':'loss' every 20 with points pt 7 ps 0.6 lc rgb c7 notitle, \
     for [k=1:ncases] gl(k) using 'step':'loss' every 20 with points pt 7 ps 0.6 lc rgb clr(k) notitle

set title 'log loss'
set logscale y
set format y '10^{%L}'
set yrange [1e-9:2e-1]
plot flow_balanced using (column('t')*K):'loss' with lines lw 1.5 lc rgb c7 notitle, \
     for [k=1:ncases] fl(k) using (column('t')*K):'loss' with lines lw 1.5 lc rgb clr(k) notitle, \
     for [k=1:ncases] fl(k) using (column('t')*K):'bound_thm1' with lines dt 2 lc rgb clr(k) notitle, \
     gd_balanced using 'step':'loss' every 20 with points pt 7 ps 0.6 lc rgb c7 notitle, \
     for [k=1:ncases] gl(k) using 'step':'loss' every 20 with points pt 7 ps 0.6 lc rgb clr(k) notitle, \
     NaN with lines lw 1.5 lc rgb '#666666' title 'flow (rk8pd)', \
     NaN with points pt 7 ps 0.6 lc rgb '#666666' title 'GD, η = 5e-4', \
     NaN with lines dt 2 lc rgb '#666666' title 'Theorem 1 bound'

set title 'instantaneous rate -dL/dt / (L - L*)'
set ylabel 'rate'
set yrange [1:500]
set format y '%g'
plot flow_balanced using (column('t')*K):'rate' with lines lw 1.5 lc rgb c7 notitle, \
     for [k=1:ncases] fl(k) using (column('t')*K):'rate' with lines lw 1.5 lc rgb clr(k) notitle, \
     flow_balanced using (column('t')*K):'rate_bound' with lines dt 2 lc rgb c7 notitle, \
     for [k=1:ncases] fl(k) using (column('t')*K):'rate_bound' with lines dt 2 lc rgb clr(k) notitle, \
     NaN with lines dt 2 lc rgb '#666666' title 'Prop. 1 bound (S2 eq. 17)'
unset multiplot
