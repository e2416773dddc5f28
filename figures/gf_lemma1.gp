# Lemma 1 of S1 by Monte Carlo: c, ||[V U2^T; U1 U2^T]||_F and ||U1 V^T||_F at
# t = 0 vs h for alpha = 1/2 and 3/8.  Data (figvars): half, three_eighths = the
# summary.final tables of gf_lemma1_a50 and gf_lemma1_a375 (h, then <column>_mean
# <column>_std: c, z0 = ||[V U2^T; U1 U2^T]||_F, p0 = ||U1 V^T||_F).
size_pdf = '8in,3.4in'
size_png = '1600,650'
load lindyn_style
# The reference slopes span the swept widths.
stats half using 'h' nooutput
hmin = STATS_min
hmax = STATS_max
set multiplot layout 1,2
set logscale xy
set xlabel 'width h'
set key top left font ',8'
set format y '%g'

set title 'level of imbalance c'
plot half using 'h':'c_mean':'c_std' with yerrorlines lw 1.5 pt 7 ps 0.5 lc rgb c1 title 'α = 1/2', \
     three_eighths using 'h':'c_mean':'c_std' with yerrorlines lw 1.5 pt 7 ps 0.5 lc rgb c2 title 'α = 3/8', \
     [hmin:hmax] 1 with lines dt 3 lc rgb c1 title 'h^{1-2α}', \
     [hmin:hmax] x**0.25 with lines dt 3 lc rgb c2 notitle

set title 'initial norms'
set key bottom left
plot half using 'h':'z0_mean':'z0_std' with yerrorlines lw 1.5 pt 7 ps 0.5 lc rgb c1 title '||[VU_2^T; U_1U_2^T]||_F, α = 1/2', \
     three_eighths using 'h':'z0_mean':'z0_std' with yerrorlines lw 1.5 pt 7 ps 0.5 lc rgb c2 title '||[VU_2^T; U_1U_2^T]||_F, α = 3/8', \
     half using 'h':'p0_mean':'p0_std' with yerrorlines lw 1.5 pt 6 ps 0.5 lc rgb c1 dt 2 title '||U_1V^T||_F, α = 1/2', \
     three_eighths using 'h':'p0_mean':'p0_std' with yerrorlines lw 1.5 pt 6 ps 0.5 lc rgb c2 dt 2 title '||U_1V^T||_F, α = 3/8'
unset multiplot
