# Bifurcation diagram of GD on 1/2 (uv - 1)^2 against eta/eta_c (paper/eos.md, eos_bif).
# summary.final.tsv: column 1 is eta, then <col>_mean <col>_std of every summary column,
# so the mean of summary column j is column 2j: sharp_m 8, amp 12, o1..o8 24, 26, ..., 38.
size_pdf = '9in,3.2in'
size_png = '1500,540'
load 'figures/style.gp'
fin = datadir.'/eos_bif/summary.final.tsv'
a(x) = x >= 1 ? 0.5 * (sqrt(1 + 3 / x) + sqrt(1 - 1 / x)) : NaN
b(x) = x >= 1 ? 0.5 * (sqrt(1 + 3 / x) - sqrt(1 - 1 / x)) : NaN
pd = sqrt(5) - 1
set multiplot layout 1, 3 margins 0.06, 0.98, 0.15, 0.9 spacing 0.07
set xlabel 'η/η_c'
set xrange [0.89:1.26]
set key top right font ',8'
set samples 400

set title '(a) limiting sharpness on M'
plot fin using 1:8 with points pt 7 ps 0.6 lc rgb c1 title 'λ(θ^{||}_T)', \
     2 / x with lines dt 2 lc rgb c2 title '2/η', \
     2 with lines dt 3 lc rgb c7 title 'λ* = 2'

set title '(b) attractor: u_T, ..., u_{T+7}'
set arrow 1 from pd, graph 0 to pd, graph 1 nohead dt 3 lc rgb c7
plot for [j=24:38:2] fin using 1:j with points pt 7 ps 0.5 lc rgb c1 notitle, \
     a(x) with lines lc rgb c2 title 'a, b (closed form)', b(x) with lines lc rgb c2 notitle
unset arrow 1

set title '(c) squared 2-cycle amplitude'
set arrow 1 from pd, graph 0 to pd, graph 1 nohead dt 3 lc rgb c7
plot fin using 1:($12**2) with points pt 7 ps 0.6 lc rgb c1 title '(|x_{T+1}-x_T|/√2)^2', \
     (x >= 1 ? 1 - 1 / x : 0) with lines lc rgb c2 title 'y - 1/η'
unset multiplot
