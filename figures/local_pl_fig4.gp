# TMLR Fig. 4: mean alpha1/alpha2 over 30 initializations N(0, h^-2p) against the
# width, one panel per p, with +/- one std band.
size_pdf = '10in,3in'
size_png = '1500,450'
load 'figures/style.gp'
f = datadir.'/lpl_fig4/tmlr.final.tsv'
hdr = system("grep -m1 '^# columns:' ".f." | cut -d: -f2")
col(n) = sum [i = 1:words(hdr)] (word(hdr, i) eq n ? i : 0)
cp = col('width_power'); ch = col('h'); cm = col('alpha_ratio_mean'); cs = col('alpha_ratio_std')
P = '0.275 0.375 0.475'
set multiplot layout 1,3 margins 0.06,0.99,0.15,0.9 spacing 0.06
set xlabel 'Width'
set xrange [450:2050]
set key off
do for [i = 1:3] {
  p = real(word(P, i))
  set title sprintf('p = %s', word(P, i))
  set ylabel (i == 1 ? 'α_1/α_2' : '')
  sel(x) = (abs(column(cp) - p) < 1e-9 ? x : NaN)
  plot f using (sel(column(ch))):(column(cm)-column(cs)):(column(cm)+column(cs)) with filledcurves lc rgb c1 notitle, \
       f using (sel(column(ch))):cm with linespoints pt 7 ps 0.5 lw 1.5 lc rgb c1 notitle
}
unset multiplot
