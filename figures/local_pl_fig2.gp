# TMLR Fig. 2: log10 L against wall-clock seconds (log scale), sigma^2 = 1, mean of
# 5 trials: backtracking, the AISTATS adaptive rule, eq. (19) with h = rho; second
# row: the step sizes against the iteration (the paper's caption mentions them).
# Data (paper/local_pl.md): armijo, adaptive, rho = the loss.agg of each rule, one per h.
size_pdf = '10in,6in'
size_png = '1500,900'
load lindyn_style
n = words(rho)
set multiplot layout 2,n margins 0.06,0.99,0.08,0.95 spacing 0.05,0.1
set logscale x
set format x '10^{%L}'
set xrange [1e-5:2]
set yrange [-25:3]
set xlabel 'Seconds'
do for [i = 1:n] {
  h = word(rho_h, i)
  set title sprintf('h = %s, σ^2 = 1', h)
  set ylabel (i == 1 ? 'log_{10} L(t)' : '')
  if (i == 1) { set key bottom left font ',8' } else { set key off }
  plot lindyn_pick('armijo', 'h='.h) using 'wall_mean':'log10_loss_mean' with lines lw 1.5 lc rgb c1 title 'backtracking line search', \
       lindyn_pick('adaptive', 'h='.h) using 'wall_mean':'log10_loss_mean' with lines lw 1.5 lc rgb c2 title 'Xu et al. 2023 (Algorithm 1)', \
       word(rho, i) using 'wall_mean':'log10_loss_mean' with lines lw 1.5 lc rgb c3 title 'eq. (19), h = ρ'
}
unset logscale x
set format x '%g'
set xrange [0:450]
set yrange [-21:-1]
set xlabel 'Iterations'
set key off
do for [i = 1:n] {
  h = word(rho_h, i)
  set title sprintf('step size, h = %s', h)
  set ylabel (i == 1 ? 'log_{10} η_t' : '')
  plot lindyn_pick('armijo', 'h='.h) using 'step':(log10(column('eta_mean'))) with lines lw 1.5 lc rgb c1, \
       lindyn_pick('adaptive', 'h='.h) using 'step':(log10(column('eta_mean'))) with lines lw 1.5 lc rgb c2, \
       word(rho, i) using 'step':(log10(column('eta_mean'))) with lines lw 1.5 lc rgb c3
}
unset multiplot
