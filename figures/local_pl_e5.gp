# AISTATS Fig. 2 (E5): log10 L and log10 eta_t for the fixed step, Algorithm 1,
# Arora et al. and Du et al. (mean of 3 runs).
# Data (paper/local_pl.md): fixed, adaptive, arora, du = the loss.agg of each rule.
size_pdf = '9in,3.2in'
size_png = '1400,500'
load lindyn_style
set multiplot layout 1,2 margins 0.08,0.99,0.15,0.9 spacing 0.09
set xrange [0:200]
set xlabel 'Iterations'
set ylabel 'log_{10} L(t)'
set key bottom left font ',8'
plot fixed using 'step':'log10_loss_mean' with lines lw 1.5 lc rgb c1 title 'fixed step, Thm 3.2', \
     adaptive using 'step':'log10_loss_mean' with lines lw 1.5 lc rgb c2 title 'adaptive step, Algorithm 1', \
     arora using 'step':'log10_loss_mean' with lines lw 1.5 lc rgb c3 title 'Arora et al. 2018', \
     du using 'step':'log10_loss_mean' with lines lw 1.5 lc rgb c4 title 'Du et al. 2018a'
set ylabel 'log_{10} η_t'
set key off
plot fixed using 'step':(log10(column('eta_mean'))) with lines lw 1.5 lc rgb c1, \
     adaptive using 'step':(log10(column('eta_mean'))) with lines lw 1.5 lc rgb c2, \
     arora using 'step':(log10(column('eta_mean'))) with lines lw 1.5 lc rgb c3, \
     du using 'step':(log10(column('eta_mean'))) with lines lw 1.5 lc rgb c4
unset multiplot
