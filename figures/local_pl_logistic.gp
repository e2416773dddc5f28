# Fig. 1's comparison under the l2-regularized logistic loss (sigma^2 = 0.1),
# mean +/- std of log10(l - l*) over 10 trials, with the bounds of eqs. (17), (20).
size_pdf = '10in,3in'
size_png = '1500,450'
load 'figures/style.gp'
e = datadir.'/lpl_logistic/'
pt(h, r) = e.sprintf('h-%d_rule-%s/', h, r)
hdr = system("grep -m1 '^# columns:' ".pt(500, 'rho').'loss.agg.tsv'." | cut -d: -f2")
col(n) = sum [i = 1:words(hdr)] (word(hdr, i) eq n ? i : 0)
thdr = system("grep -m1 '^# columns:' ".pt(500, 'rho').'tmlr.agg.tsv'." | cut -d: -f2")
ca = sum [i = 1:words(thdr)] (word(thdr, i) eq 'alpha_ratio_mean' ? i : 0)
cl = col('log10_loss_mean'); cs = col('log10_loss_std')
cb0 = col('log10_bound_eta0_mean'); cbr = col('log10_bound_rhobar_mean'); cbg = col('log10_bound_rho_mean')
H = '500 1000 4000'
set multiplot layout 1,3 margins 0.06,0.99,0.15,0.9 spacing 0.05
set xrange [0:49]
set yrange [-15:6]
set xlabel 'Iterations'
do for [i = 1:3] {
  h = int(word(H, i))
  stats pt(h, 'rho').'tmlr.agg.tsv' using ca nooutput
  set title sprintf('logistic, α_1/α_2 = %.3f, h = %d', STATS_max, h)
  set ylabel (i == 1 ? 'log_{10} (ℓ − ℓ^*)' : '')
  if (i == 1) { set key bottom left font ',7' } else { set key off }
  plot pt(h, 'eta0').'loss.agg.tsv' using 1:(column(cl)-column(cs)):(column(cl)+column(cs)) with filledcurves lc rgb c1 notitle, \
       '' using 1:cl with lines lw 1.5 lc rgb c1 title 'constant step η_0', \
       '' using 1:cb0 every 4 with linespoints pt 8 ps 0.7 lc rgb c1 title 'eq. (17)', \
       pt(h, 'rhobar').'loss.agg.tsv' using 1:cl with lines lw 1.5 lc rgb c2 title 'eq. (19), h = ρ̄', \
       '' using 1:cbr every 4 with linespoints pt 8 ps 0.7 lc rgb c2 title 'eq. (20), h = ρ̄', \
       pt(h, 'rho').'loss.agg.tsv' using 1:cl with lines lw 1.5 lc rgb c3 title 'eq. (19), h = ρ', \
       '' using 1:cbg every 4 with linespoints pt 8 ps 0.7 lc rgb c3 title 'eq. (20), h = ρ'
}
unset multiplot
