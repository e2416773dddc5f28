# Bifurcation diagram of GD on 1/2 (uv - 1)^2 against eta/eta_c (paper/eos.md, eos_bif).
# Data (figvars): sweep = eos_bif/summary.final (eta, then <column>_mean <column>_std of
# every summary column: sharp_m, amp, the orbit o1 .. o8, ...); model = the model table
# of every point, for lambda*.
size_pdf = '9in,3.2in'
size_png = '1500,540'
load lindyn_style
stats word(model, 1) using 'lambda_star' nooutput
lstar = STATS_max
stats sweep using 'eta' nooutput
eta_min = STATS_min
eta_max = STATS_max
orbit = 'o1_mean o2_mean o3_mean o4_mean o5_mean o6_mean o7_mean o8_mean'
a(x) = x >= 1 ? 0.5 * (sqrt(1 + 3 / x) + sqrt(1 - 1 / x)) : NaN
b(x) = x >= 1 ? 0.5 * (sqrt(1 + 3 / x) - sqrt(1 - 1 / x)) : NaN
pd = sqrt(5) - 1
set multiplot layout 1, 3 margins 0.06, 0.98, 0.15, 0.9 spacing 0.07
set xlabel 'η/η_c'
set xrange [eta_min - 0.01:eta_max + 0.01]
set key top right font ',8'
set samples 400

set title '(a) limiting sharpness on M'
plot sweep using 'eta':'sharp_m_mean' with points pt 7 ps 0.6 lc rgb c1 title 'λ(θ^{||}_T)', \
     2 / x with lines dt 2 lc rgb c2 title '2/η', \
     lstar with lines dt 3 lc rgb c7 title sprintf('λ* = %g', lstar)

set title '(b) attractor: u_T, ..., u_{T+7}'
set arrow 1 from pd, graph 0 to pd, graph 1 nohead dt 3 lc rgb c7
plot for [o in orbit] sweep using 'eta':o with points pt 7 ps 0.5 lc rgb c1 notitle, \
     a(x) with lines lc rgb c2 title 'a, b (closed form)', b(x) with lines lc rgb c2 notitle
unset arrow 1

set title '(c) squared 2-cycle amplitude'
set arrow 1 from pd, graph 0 to pd, graph 1 nohead dt 3 lc rgb c7
plot sweep using 'eta':(column('amp_mean')**2) with points pt 7 ps 0.6 lc rgb c1 title '(|x_{T+1}-x_T|/√2)^2', \
     (x >= 1 ? 1 - 1 / x : 0) with lines lc rgb c2 title 'y - 1/η'
unset multiplot
