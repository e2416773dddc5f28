# AISTATS Fig. 2 (E5): log10 L and log10 eta_t for the fixed step, Algorithm 1,
# Arora et al. and Du et al. (mean of 3 runs).
size_pdf = '9in,3.2in'
size_png = '1400,500'
load 'figures/style.gp'
e = datadir.'/lpl_e5/'
pt(r) = e.sprintf('rule-%s/loss.agg.tsv', r)
hdr = system("grep -m1 '^# columns:' ".pt('xu-fixed')." | cut -d: -f2")
col(n) = sum [i = 1:words(hdr)] (word(hdr, i) eq n ? i : 0)
cl = col('log10_loss_mean'); ce = col('eta_mean')
set multiplot layout 1,2 margins 0.08,0.99,0.15,0.9 spacing 0.09
set xrange [0:200]
set xlabel 'Iterations'
set ylabel 'log_{10} L(t)'
set key bottom left font ',8'
plot pt('xu-fixed') using 1:cl with lines lw 1.5 lc rgb c1 title 'fixed step, Thm 3.2', \
     pt('xu-adaptive') using 1:cl with lines lw 1.5 lc rgb c2 title 'adaptive step, Algorithm 1', \
     pt('arora') using 1:cl with lines lw 1.5 lc rgb c3 title 'Arora et al. 2018', \
     pt('du') using 1:cl with lines lw 1.5 lc rgb c4 title 'Du et al. 2018a'
set ylabel 'log_{10} η_t'
set key off
plot pt('xu-fixed') using 1:(log10(column(ce))) with lines lw 1.5 lc rgb c1, \
     pt('xu-adaptive') using 1:(log10(column(ce))) with lines lw 1.5 lc rgb c2, \
     pt('arora') using 1:(log10(column(ce))) with lines lw 1.5 lc rgb c3, \
     pt('du') using 1:(log10(column(ce))) with lines lw 1.5 lc rgb c4
unset multiplot
