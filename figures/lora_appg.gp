# Xu et al. (AISTATS 2025) Appendix G: inits on the pre-trained singular space
# stall when dY lives elsewhere.  Left: the 2 x 2 model of Theorem G.1 (GD, one
# run per init: data lines thm_pissa, thm_spectral, thm_random).  Right:
# Figure 1's model, flow by rk8pd, 10 seeds (loss.agg of each (init, pair):
# mf_pissa, mf_milora, mf_spectral_bottom, mf_spectral_top).
size_pdf = '9in,3.2in'
size_png = '1600,580'
load lindyn_style
steps(t) = t / 1e-4
set multiplot layout 1,2 margins 0.07,0.98,0.15,0.9 spacing 0.08,0
set format x '%.0s%c'
set ylabel 'log_{10} L'
set key bottom left font ',8'

set title 'Theorem G.1 model: W_2 = W_1 = diag(10, 1), ΔY = √2 e_2e_2^T (GD)'
set xlabel 'GD steps (η = 10^{-4})'
set xrange [0:100000]
set yrange [-28:1]
plot thm_pissa using (steps(column('t'))):'log10_loss' with lines lw 2 lc rgb c2 title 'on e_1 (PiSSA-like)', \
     thm_spectral using (steps(column('t'))):'log10_loss' with lines lw 1.5 lc rgb c1 title thm_spectral_init.' on ΔY', \
     thm_random using (steps(column('t'))):'log10_loss' with lines lw 1.5 lc rgb c3 title thm_random_init

set title 'Figure 1 model, α = 10^{-3} (flow, rk8pd, 10 seeds)'
set xlabel 'steps t/η (η = 10^{-4})'
set xrange [0:120000]
set yrange [-32:3]
plot mf_pissa using (steps(column('t'))):(column('log10_loss_mean') - column('log10_loss_std')):(column('log10_loss_mean') + column('log10_loss_std')) \
        with filledcurves lc rgb c2 notitle, \
     mf_pissa using (steps(column('t'))):'log10_loss_mean' with lines lw 2 lc rgb c2 \
        title mf_pissa_init.' (top 4), ΔY on '.mf_pissa_pair.' pair', \
     mf_milora using (steps(column('t'))):(column('log10_loss_mean') - column('log10_loss_std')):(column('log10_loss_mean') + column('log10_loss_std')) \
        with filledcurves lc rgb c4 notitle, \
     mf_milora using (steps(column('t'))):'log10_loss_mean' with lines lw 2 lc rgb c4 \
        title mf_milora_init.' (bottom 4), ΔY on '.mf_milora_pair.' pair', \
     mf_spectral_bottom using (steps(column('t'))):'log10_loss_mean' with lines lw 1.5 dt 2 lc rgb c1 \
        title mf_spectral_bottom_init.', ΔY on '.mf_spectral_bottom_pair.' pair', \
     mf_spectral_top using (steps(column('t'))):'log10_loss_mean' with lines lw 1.5 dt 2 lc rgb c3 \
        title mf_spectral_top_init.', ΔY on '.mf_spectral_top_pair.' pair'
unset multiplot
