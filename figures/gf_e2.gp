# S1 Fig. 1: distance to the min-norm solution vs width (rk4_gf flow, 5 runs per
# width, mean +/- std), the paper's GD at four widths, and the cost to the stop.
# Data (figvars): flow, gd, loose = the summary.final tables of gf_e2_flow,
# gf_e2_gd, gf_e2_loose (h, then <column>_mean <column>_std of the summary).
size_pdf = '11in,3.4in'
size_png = '2100,650'
load lindyn_style
K = 1e4   # GD iterations per unit of flow time, n / (2 eta)

set multiplot layout 1,3
set key top right font ',8'
set xlabel 'width h'
set xrange [0:10000]
set xtics 2000

set title 'distance vs h'
set ylabel 'Frobenius norm'
set yrange [0:1]
plot flow using 'h':'null0_mean':'null0_std' with yerrorlines lw 1.5 pt 7 ps 0.5 lc rgb c1 title '||U_2(0)V(0)^T||_F', \
     flow using 'h':'dist_final_mean':'dist_final_std' with yerrorlines lw 1.5 pt 7 ps 0.5 lc rgb c5 title '||U(t_f)V(t_f)^T - Θ^||_F (flow)', \
     gd using 'h':'dist_final_mean' with points pt 4 ps 1.2 lc rgb c2 title 'same, GD η = 5e-3'

set title 'distance vs 1/sqrt(h)'
set xlabel '1/sqrt(h)'
set xrange [0.047:0.0095]
set xtics 0.01
plot flow using (1/sqrt(column('h'))):'null0_mean':'null0_std' with yerrorlines lw 1.5 pt 7 ps 0.5 lc rgb c1 title '||U_2(0)V(0)^T||_F', \
     flow using (1/sqrt(column('h'))):'dist_final_mean':'dist_final_std' with yerrorlines lw 1.5 pt 7 ps 0.5 lc rgb c5 title '||U(t_f)V(t_f)^T - Θ^||_F'

set title 'cost to (1/n)||Y - XUV^T||^2 < 1e-8'
set xlabel 'width h'
set xrange [0:10000]
set xtics 2000
set ylabel 'iterations / gradient evaluations'
set logscale y
set yrange [100:2e5]
set format y '10^{%L}'
set key bottom right
plot flow using 'h':(column('t_cross_mean')*K):(column('t_cross_std')*K) with yerrorlines lw 1.5 pt 7 ps 0.5 lc rgb c5 title 'GD iterations, t_f n/2η', \
     gd using 'h':'steps_mean' with points pt 4 ps 1.2 lc rgb c2 title 'GD iterations, measured', \
     flow using 'h':'grad_evals_mean':'grad_evals_std' with yerrorlines lw 1.5 pt 6 ps 0.5 lc rgb c3 title 'flow evaluations, tol 1e-10', \
     loose using 'h':'grad_evals_mean' with points pt 8 ps 1 lc rgb c4 title 'flow evaluations, tol 1e-6'
unset multiplot
