# Shared body of the two regime figures (eos_regimes_scalar.gp, eos_regimes_depth3.gp).
# The caller sets: exp (experiment), pts (three sweep values of eta), lab (their legends),
# etas (the three steps), lstar (lambda*), bcol/blabel (column and name of panel (e)).
size_pdf = '9in,5.6in'
size_png = '1500,930'
load 'figures/style.gp'

f(k) = datadir.'/'.exp.'/eta-'.word(pts, k).'/s0/traj.tsv'
col(k) = word('c1 c2 c3', k)
clr(k) = k == 1 ? c1 : (k == 2 ? c2 : c3)

# A t^(-1/2) reference through the critical run's value at t = 1e4.
stats f(2) using (($1 == 10000) ? $13 : NaN) nooutput
dref = STATS_max
stats f(2) using (($1 == 10000) ? abs($11) : NaN) nooutput
rref = STATS_max

set multiplot layout 2, 3 margins 0.07, 0.98, 0.08, 0.95 spacing 0.08, 0.12
set key top right font ',8'

set title '(a) |r_t|'
set xlabel 't'
set logscale y
set format y '10^{%L}'
set xrange [0:3000]
plot for [k=1:3] f(k) using 1:(abs($11)) with lines lc rgb clr(k) title word(lab, k)

set title '(b) |r_t| at η = η_c (log-log)'
set logscale x
set format x '10^{%L}'
set xrange [1:*]
plot f(2) using 1:(abs($11)) with lines lc rgb c2 title word(lab, 2), \
     rref * sqrt(1e4) / sqrt(x) with lines dt 2 lc rgb c7 title 't^{-1/2}'

set title '(c) sharpness λ(θ^{||}_t) on M'
unset logscale y
set format y '%g'
set yrange [*:*]
plot for [k=1:3] f(k) using 1:5 with lines lc rgb clr(k) title word(lab, k), \
     for [k=1:3] 2.0 / word(etas, k) with lines dt 2 lc rgb clr(k) title sprintf('2/η, %s', word(lab, k)), \
     lstar with lines dt 3 lc rgb c7 title 'λ*'

set title '(d) distance to x*'
set logscale y
set format y '10^{%L}'
plot for [k=1:3] f(k) using 1:13 with lines lc rgb clr(k) title word(lab, k), \
     dref * sqrt(1e4) / sqrt(x) with lines dt 2 lc rgb c7 title 't^{-1/2}'

set title '(e) '.blabel
plot for [k=1:3] f(k) using 1:bcol with lines lc rgb clr(k) title word(lab, k)

set title '(f) period-2 indicators'
plot for [k=1:3] f(k) using 1:8 with lines lc rgb clr(k) title sprintf('|x_{t+2}-x_t|, %s', word(lab, k)), \
     for [k=1:3] f(k) using 1:7 with lines dt 2 lc rgb clr(k) notitle
unset multiplot
