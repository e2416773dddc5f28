# S1 Fig. 1: distance to the min-norm solution vs width (rk4_gf flow, 5 runs per
# width, mean +/- std), the paper's GD at four widths, and the cost to the stop.
# Columns of summary.final: 1 h, then mean/std pairs of the summary columns:
# 22/23 t_cross, 26/27 dist_final, 28/29 null0, 36/37 grad_evals, 38/39 steps.
size_pdf = '11in,3.4in'
size_png = '2100,650'
load 'figures/style.gp'
F = datadir.'/gf_e2_flow/summary.final.tsv'
G = datadir.'/gf_e2_gd/summary.final.tsv'
Lz = datadir.'/gf_e2_loose/summary.final.tsv'
K = 1e4   # GD iterations per unit of flow time, n / (2 eta)

set multiplot layout 1,3
set key top right font ',8'
set xlabel 'width h'
set xrange [0:10000]
set xtics 2000

set title 'distance vs h'
set ylabel 'Frobenius norm'
set yrange [0:1]
plot F using 1:28:29 with yerrorlines lw 1.5 pt 7 ps 0.5 lc rgb c1 title '||U_2(0)V(0)^T||_F', \
     F using 1:26:27 with yerrorlines lw 1.5 pt 7 ps 0.5 lc rgb c5 title '||U(t_f)V(t_f)^T - Θ^||_F (flow)', \
     G using 1:26 with points pt 4 ps 1.2 lc rgb c2 title 'same, GD η = 5e-3'

set title 'distance vs 1/sqrt(h)'
set xlabel '1/sqrt(h)'
set xrange [0.047:0.0095]
set xtics 0.01
plot F using (1/sqrt($1)):28:29 with yerrorlines lw 1.5 pt 7 ps 0.5 lc rgb c1 title '||U_2(0)V(0)^T||_F', \
     F using (1/sqrt($1)):26:27 with yerrorlines lw 1.5 pt 7 ps 0.5 lc rgb c5 title '||U(t_f)V(t_f)^T - Θ^||_F'

set title 'cost to (1/n)||Y - XUV^T||^2 < 1e-8'
set xlabel 'width h'
set xrange [0:10000]
set xtics 2000
set ylabel 'iterations / gradient evaluations'
set logscale y
set yrange [100:2e5]
set format y '10^{%L}'
set key bottom right
plot F using 1:($22*K):($23*K) with yerrorlines lw 1.5 pt 7 ps 0.5 lc rgb c5 title 'GD iterations, t_f n/2η', \
     G using 1:38 with points pt 4 ps 1.2 lc rgb c2 title 'GD iterations, measured', \
     F using 1:36:37 with yerrorlines lw 1.5 pt 6 ps 0.5 lc rgb c3 title 'flow evaluations, tol 1e-10', \
     Lz using 1:36 with points pt 8 ps 1 lc rgb c4 title 'flow evaluations, tol 1e-6'
unset multiplot
