# TMLR Fig. 5: overparametrized GD (eq. 19, h = rho; literal and with 1/K_t alone)
# against non-overparametrized GD with eta = 1/K, mean +/- std of log10 L (30 runs).
# Data (paper/local_pl.md): capped, free = the loss.agg of lpl_fig5 with and without the
# growth cap, one per h; ratio = the capped runs' tmlr.agg; nonover = lpl_fig5_nonover's.
size_pdf = '10in,3in'
size_png = '1500,450'
load lindyn_style
n = words(capped)
set multiplot layout 1,n margins 0.06,0.99,0.15,0.9 spacing 0.05
set xrange [0:49]
set yrange [-33:2]
set xlabel 'Iterations'
do for [i = 1:n] {
  h = word(capped_h, i)
  stats lindyn_pick('ratio', 'h='.h) using 'alpha_ratio_mean' nooutput
  set title sprintf('α_1/α_2 = %.4f, h = %s', STATS_max, h)
  set ylabel (i == 1 ? 'log_{10} L(t)' : '')
  if (i == 1) { set key bottom left font ',8' } else { set key off }
  plot word(capped, i) using 'step':(column('log10_loss_mean')-column('log10_loss_std')):(column('log10_loss_mean')+column('log10_loss_std')) with filledcurves lc rgb c1 notitle, \
       '' using 'step':'log10_loss_mean' with lines lw 1.5 lc rgb c1 title 'overparametrized, eq. (19), h = ρ', \
       lindyn_pick('free', 'h='.h) using 'step':(column('log10_loss_mean')-column('log10_loss_std')):(column('log10_loss_mean')+column('log10_loss_std')) with filledcurves lc rgb c6 notitle, \
       '' using 'step':'log10_loss_mean' with lines lw 1.5 lc rgb c6 title 'overparametrized, η_t = 1/K_t', \
       lindyn_pick('nonover', 'h='.h) using 'step':(column('log10_loss_mean')-column('log10_loss_std')):(column('log10_loss_mean')+column('log10_loss_std')) with filledcurves lc rgb c2 notitle, \
       '' using 'step':'log10_loss_mean' with lines lw 1.5 lc rgb c2 title 'non-overparametrized, η = 1/K'
}
unset multiplot
