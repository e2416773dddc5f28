# TMLR Fig. 5: overparametrized GD (eq. 19, h = rho; literal and with 1/K_t alone)
# against non-overparametrized GD with eta = 1/K, mean +/- std of log10 L (30 runs).
size_pdf = '10in,3in'
size_png = '1500,450'
load 'figures/style.gp'
e = datadir.'/lpl_fig5/'
pt(h, r, g) = (r eq 'nonover' ? datadir.sprintf('/lpl_fig5_nonover/h-%d/', h) : e.sprintf('h-%d_growth_cap-%s/', h, g))
hdr = system("grep -m1 '^# columns:' ".pt(500, 'rho', 'true').'loss.agg.tsv'." | cut -d: -f2")
col(n) = sum [i = 1:words(hdr)] (word(hdr, i) eq n ? i : 0)
thdr = system("grep -m1 '^# columns:' ".pt(500, 'rho', 'true').'tmlr.agg.tsv'." | cut -d: -f2")
ca = sum [i = 1:words(thdr)] (word(thdr, i) eq 'alpha_ratio_mean' ? i : 0)
cl = col('log10_loss_mean'); cs = col('log10_loss_std')
H = '500 1000 3000'
set multiplot layout 1,3 margins 0.06,0.99,0.15,0.9 spacing 0.05
set xrange [0:49]
set yrange [-33:2]
set xlabel 'Iterations'
do for [i = 1:3] {
  h = int(word(H, i))
  stats pt(h, 'rho', 'true').'tmlr.agg.tsv' using ca nooutput
  set title sprintf('α_1/α_2 = %.4f, h = %d', STATS_max, h)
  set ylabel (i == 1 ? 'log_{10} L(t)' : '')
  if (i == 1) { set key bottom left font ',8' } else { set key off }
  plot pt(h, 'rho', 'true').'loss.agg.tsv' using 1:(column(cl)-column(cs)):(column(cl)+column(cs)) with filledcurves lc rgb c1 notitle, \
       '' using 1:cl with lines lw 1.5 lc rgb c1 title 'overparametrized, eq. (19), h = ρ', \
       pt(h, 'rho', 'false').'loss.agg.tsv' using 1:(column(cl)-column(cs)):(column(cl)+column(cs)) with filledcurves lc rgb c6 notitle, \
       '' using 1:cl with lines lw 1.5 lc rgb c6 title 'overparametrized, η_t = 1/K_t', \
       pt(h, 'nonover', 'true').'loss.agg.tsv' using 1:(column(cl)-column(cs)):(column(cl)+column(cs)) with filledcurves lc rgb c2 notitle, \
       '' using 1:cl with lines lw 1.5 lc rgb c2 title 'non-overparametrized, η = 1/K'
}
unset multiplot
