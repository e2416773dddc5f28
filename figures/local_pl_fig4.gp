# TMLR Fig. 4: mean alpha1/alpha2 over 30 initializations N(0, h^-2p) against the
# width, one panel per p, with +/- one std band.
# Data (paper/local_pl.md): final = the sweep's tmlr.final (one row per point, what is
# plotted); points = its per-point tmlr.agg, read only for points_width_power (the panels).
size_pdf = '10in,3in'
size_png = '1500,450'
load lindyn_style
# the distinct values of width_power, in sweep order, and the range of the widths
P = ''
hmin = real(word(points_h, 1)); hmax = hmin
do for [k = 1:words(points)] {
  w = word(points_width_power, k)
  if (!strstrt(' '.P.' ', ' '.w.' ')) { P = P.' '.w }
  hk = real(word(points_h, k))
  hmin = (hk < hmin ? hk : hmin); hmax = (hk > hmax ? hk : hmax)
}
set multiplot layout 1,words(P) margins 0.06,0.99,0.15,0.9 spacing 0.06
set xlabel 'Width'
set xrange [hmin - 50:hmax + 50]
set key off
do for [i = 1:words(P)] {
  p = real(word(P, i))
  set title sprintf('p = %s', word(P, i))
  set ylabel (i == 1 ? 'α_1/α_2' : '')
  sel(x) = (abs(column('width_power') - p) < 1e-9 ? x : NaN)
  plot final using (sel(column('h'))):(column('alpha_ratio_mean')-column('alpha_ratio_std')):(column('alpha_ratio_mean')+column('alpha_ratio_std')) with filledcurves lc rgb c1 notitle, \
       final using (sel(column('h'))):'alpha_ratio_mean' with linespoints pt 7 ps 0.5 lw 1.5 lc rgb c1 notitle
}
unset multiplot
