# Lemma 1 of S1 by Monte Carlo: c, ||[V U2^T; U1 U2^T]||_F and ||U1 V^T||_F at
# t = 0 vs h for alpha = 1/2 and 3/8.  Columns of summary.final: 1 h, then
# mean/std pairs: 4/5 c, 30/31 z0, 32/33 p0.
size_pdf = '8in,3.4in'
size_png = '1600,650'
load 'figures/style.gp'
A = datadir.'/gf_lemma1_a50/summary.final.tsv'
B = datadir.'/gf_lemma1_a375/summary.final.tsv'
set multiplot layout 1,2
set logscale xy
set xlabel 'width h'
set key top left font ',8'
set format y '%g'

set title 'level of imbalance c'
plot A using 1:4:5 with yerrorlines lw 1.5 pt 7 ps 0.5 lc rgb c1 title 'α = 1/2', \
     B using 1:4:5 with yerrorlines lw 1.5 pt 7 ps 0.5 lc rgb c2 title 'α = 3/8', \
     [250:8000] 1 with lines dt 3 lc rgb c1 title 'h^{1-2α}', \
     [250:8000] x**0.25 with lines dt 3 lc rgb c2 notitle

set title 'initial norms'
set key bottom left
plot A using 1:30:31 with yerrorlines lw 1.5 pt 7 ps 0.5 lc rgb c1 title '||[VU_2^T; U_1U_2^T]||_F, α = 1/2', \
     B using 1:30:31 with yerrorlines lw 1.5 pt 7 ps 0.5 lc rgb c2 title '||[VU_2^T; U_1U_2^T]||_F, α = 3/8', \
     A using 1:32:33 with yerrorlines lw 1.5 pt 6 ps 0.5 lc rgb c1 dt 2 title '||U_1V^T||_F, α = 1/2', \
     B using 1:32:33 with yerrorlines lw 1.5 pt 6 ps 0.5 lc rgb c2 dt 2 title '||U_1V^T||_F, α = 3/8'
unset multiplot
