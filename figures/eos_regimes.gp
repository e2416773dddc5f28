# Shared body of the two regime figures (eos_regimes_scalar.gp, eos_regimes_depth3.gp).
# Data (figvars), the same three lines in both figures' documents:
#   traj      the traj table of every swept step, in sweep order (traj_eta: the steps)
#   model     the model table of the same points (eta, lambda_star)
#   critical  the traj table of the run at eta = eta_c (critical_eta: its step)
# The caller sets: label(v) (the legend of swept step v, as written in traj_eta),
# bcolumn/blabel (the traj column of panel (e) and its name).
size_pdf = '9in,5.6in'
size_png = '1500,930'
load lindyn_style

npts = words(traj)
f(k) = word(traj, k)
lab(k) = label(word(traj_eta, k))
colours = c1.' '.c2.' '.c3.' '.c4.' '.c5.' '.c6
clr(k) = word(colours, k)
kcrit = sum [k=1:npts] (word(traj_eta, k) eq critical_eta ? k : 0)

# The step of each run (eta_unit=crit runs sweep eta/eta_c) and lambda* from the model tables.
array step[npts]
do for [k=1:npts] {
    stats word(model, k) using 'eta' nooutput
    step[k] = STATS_max
}
stats word(model, 1) using 'lambda_star' nooutput
lstar = STATS_max

# A t^(-1/2) reference through the critical run's value at t = 1e4.
stats critical using ((column('t') == 10000) ? column('dist') : NaN) nooutput
dref = STATS_max
stats critical using ((column('t') == 10000) ? abs(column('r')) : NaN) nooutput
rref = STATS_max

set multiplot layout 2, 3 margins 0.07, 0.98, 0.08, 0.95 spacing 0.08, 0.12
set key top right font ',8'

set title '(a) |r_t|'
set xlabel 't'
set logscale y
set format y '10^{%L}'
set xrange [0:3000]
plot for [k=1:npts] f(k) using 't':(abs(column('r'))) with lines lc rgb clr(k) title lab(k)

set title '(b) |r_t| at η = η_c (log-log)'
set logscale x
set format x '10^{%L}'
set xrange [1:*]
plot critical using 't':(abs(column('r'))) with lines lc rgb clr(kcrit) title label(critical_eta), \
     rref * sqrt(1e4) / sqrt(x) with lines dt 2 lc rgb c7 title 't^{-1/2}'

set title '(c) sharpness λ(θ^{||}_t) on M'
unset logscale y
set format y '%g'
set yrange [*:*]
plot for [k=1:npts] f(k) using 't':'sharp_m' with lines lc rgb clr(k) title lab(k), \
     for [k=1:npts] 2.0 / step[k] with lines dt 2 lc rgb clr(k) title sprintf('2/η, %s', lab(k)), \
     lstar with lines dt 3 lc rgb c7 title 'λ*'

set title '(d) distance to x*'
set logscale y
set format y '10^{%L}'
plot for [k=1:npts] f(k) using 't':'dist' with lines lc rgb clr(k) title lab(k), \
     dref * sqrt(1e4) / sqrt(x) with lines dt 2 lc rgb c7 title 't^{-1/2}'

set title '(e) '.blabel
plot for [k=1:npts] f(k) using 't':bcolumn with lines lc rgb clr(k) title lab(k)

set title '(f) period-2 indicators'
plot for [k=1:npts] f(k) using 't':'p2' with lines lc rgb clr(k) title sprintf('|x_{t+2}-x_t|, %s', lab(k)), \
     for [k=1:npts] f(k) using 't':'p1' with lines dt 2 lc rgb clr(k) notitle
unset multiplot
