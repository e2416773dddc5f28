# Fig. 1's comparison under the l2-regularized logistic loss (sigma^2 = 0.1),
# mean +/- std of log10(l - l*) over 10 trials, with the bounds of eqs. (17), (20).
# Data (paper/local_pl.md): eta0, rhobar, rho = the loss.agg of each rule, one per h;
# ratio = the rho rule's tmlr.agg (alpha1/alpha2 in the titles).
size_pdf = '10in,3in'
size_png = '1500,450'
load lindyn_style
n = words(rho)
set multiplot layout 1,n margins 0.06,0.99,0.15,0.9 spacing 0.05
set xrange [0:49]
set yrange [-15:6]
set xlabel 'Iterations'
do for [i = 1:n] {
  h = word(rho_h, i)
  stats lindyn_pick('ratio', 'h='.h) using 'alpha_ratio_mean' nooutput
  set title sprintf('logistic, α_1/α_2 = %.3f, h = %s', STATS_max, h)
  set ylabel (i == 1 ? 'log_{10} (ℓ − ℓ^*)' : '')
  if (i == 1) { set key bottom left font ',7' } else { set key off }
  plot lindyn_pick('eta0', 'h='.h) using 'step':(column('log10_loss_mean')-column('log10_loss_std')):(column('log10_loss_mean')+column('log10_loss_std')) with filledcurves lc rgb c1 notitle, \
       '' using 'step':'log10_loss_mean' with lines lw 1.5 lc rgb c1 title 'constant step η_0', \
       '' using 'step':'log10_bound_eta0_mean' every 4 with linespoints pt 8 ps 0.7 lc rgb c1 title 'eq. (17)', \
       lindyn_pick('rhobar', 'h='.h) using 'step':'log10_loss_mean' with lines lw 1.5 lc rgb c2 title 'eq. (19), h = ρ̄', \
       '' using 'step':'log10_bound_rhobar_mean' every 4 with linespoints pt 8 ps 0.7 lc rgb c2 title 'eq. (20), h = ρ̄', \
       word(rho, i) using 'step':'log10_loss_mean' with lines lw 1.5 lc rgb c3 title 'eq. (19), h = ρ', \
       '' using 'step':'log10_bound_rho_mean' every 4 with linespoints pt 8 ps 0.7 lc rgb c3 title 'eq. (20), h = ρ'
}
unset multiplot
