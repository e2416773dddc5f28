# Xu et al. (AISTATS 2025) Appendix G: inits on the pre-trained singular space
# stall when dY lives elsewhere.  Left: the 2 x 2 model of Theorem G.1 (GD,
# one run per init; loss.tsv column 5 = log10_loss).  Right: Figure 1's model,
# flow by rk8pd, 10 seeds (loss.agg.tsv columns 1 t, 8/9 log10_loss mean/std).
size_pdf = '9in,3.2in'
size_png = '1600,580'
load 'figures/style.gp'
a = datadir.'/lora_appg/init-'
b = datadir.'/lora_appg_mf/'
steps(t) = t / 1e-4
set multiplot layout 1,2 margins 0.07,0.98,0.15,0.9 spacing 0.08,0
set format x '%.0s%c'
set ylabel 'log_{10} L'
set key bottom left font ',8'

set title 'Theorem G.1 model: W_2 = W_1 = diag(10, 1), ΔY = √2 e_2e_2^T (GD)'
set xlabel 'GD steps (η = 10^{-4})'
set xrange [0:100000]
set yrange [-28:1]
plot a.'pissa/s0/loss.tsv' using (steps($1)):5 with lines lw 2 lc rgb c2 title 'on e_1 (PiSSA-like)', \
     a.'spectral/s0/loss.tsv' using (steps($1)):5 with lines lw 1.5 lc rgb c1 title 'spectral on ΔY', \
     a.'random/s0/loss.tsv' using (steps($1)):5 with lines lw 1.5 lc rgb c3 title 'random'

set title 'Figure 1 model, α = 10^{-3} (flow, rk8pd, 10 seeds)'
set xlabel 'steps t/η (η = 10^{-4})'
set xrange [0:120000]
set yrange [-32:3]
p(x) = b.x.'/loss.agg.tsv'
P1 = 'init-pissa_pair-bottom'; P2 = 'init-milora_pair-top'
P3 = 'init-spectral_pair-bottom'; P4 = 'init-spectral_pair-top'
plot p(P1) using (steps($1)):($8-$9):($8+$9) with filledcurves lc rgb c2 notitle, \
     p(P1) using (steps($1)):8 with lines lw 2 lc rgb c2 title 'pissa (top 4), ΔY on bottom pair', \
     p(P2) using (steps($1)):($8-$9):($8+$9) with filledcurves lc rgb c4 notitle, \
     p(P2) using (steps($1)):8 with lines lw 2 lc rgb c4 title 'milora (bottom 4), ΔY on top pair', \
     p(P3) using (steps($1)):8 with lines lw 1.5 dt 2 lc rgb c1 title 'spectral, ΔY on bottom pair', \
     p(P4) using (steps($1)):8 with lines lw 1.5 dt 2 lc rgb c3 title 'spectral, ΔY on top pair'
unset multiplot
