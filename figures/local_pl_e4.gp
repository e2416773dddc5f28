# AISTATS Fig. 1 (E4): fixed eta_max vs Algorithm 1 with their bounds (dashed),
# sigma = 0.1, 2, 10; top row the paper's Gaussian X, bottom row an orthonormal X.
# Data (paper/local_pl.md): fixed, adaptive = the loss.agg of each rule at every
# (data, sigma_u, sigma_v) point; consts = the fixed rule's aistats.agg (alpha0/beta0).
size_pdf = '10in,6in'
size_png = '1500,900'
load lindyn_style
# one panel per point of the fixed rule, in sweep order (data outer: one row per X)
ncol = sum [k = 1:words(fixed)] (word(fixed_data, k) eq word(fixed_data, 1) ? 1 : 0)
nrow = words(fixed) / ncol
set multiplot layout nrow,ncol margins 0.06,0.99,0.08,0.95 spacing 0.05,0.09
set xrange [0:500]
set yrange [-28:8]
do for [k = 1:words(fixed)] {
  xk = word(fixed_data, k); su = word(fixed_sigma_u, k)
  at = sprintf('data=%s sigma_u=%s', xk, su)
  stats lindyn_pick('consts', at) using 'alpha0_ratio_mean' nooutput
  set title sprintf('%s X: α_0/β_0 = %.3f, σ = %s', xk, STATS_max, su) font ',10'
  set xlabel (k > (nrow - 1) * ncol ? 'Iterations' : '')
  set ylabel ((k - 1) % ncol == 0 ? 'log_{10} L(t)' : '')
  if (k == 1) { set key bottom left font ',7' } else { set key off }
  plot word(fixed, k) using 'step':'log10_loss_mean' with lines lw 1.5 lc rgb c1 title 'fixed step, Thm 3.2', \
       '' using 'step':'log10_bound_f0_mean' with lines dt 2 lc rgb c1 title 'bound f(η,0)^t L(0)', \
       lindyn_pick('adaptive', at) using 'step':(column('log10_loss_mean')-column('log10_loss_std')):(column('log10_loss_mean')+column('log10_loss_std')) with filledcurves lc rgb c2 notitle, \
       '' using 'step':'log10_loss_mean' with lines lw 1.5 lc rgb c2 title 'adaptive step, Algorithm 1', \
       '' using 'step':'log10_bound_f_mean' with lines dt 2 lc rgb c2 title 'bound ∏ f(η_k,k) L(0)'
}
unset multiplot
