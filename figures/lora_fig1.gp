# Xu et al. (AISTATS 2025) Figure 1: LoRA on a frozen factorization, GD with
# eta = 1e-4 (lora_gf method=gd), 30 seeds, mean +/- 1 std of the log10 values.
# Data lines: random, spectral (loss.agg of each init, one file per alpha in
# sweep order) and phases (loss.agg of the random init at the phase panel's alpha).
size_pdf = '10in,3.1in'
size_png = '1800,560'
load lindyn_style
col(i) = (i == 1 ? c1 : i == 2 ? c2 : c3)
steps(t) = t / 1e-4
# '1e-5' -> '10^{-5}' for the titles; other values as written
pow10(a) = (a[1:2] eq '1e' ? '10^{'.a[3:].'}' : a)
# the spectral file with the alpha of the i-th random file, so both share a colour
spectral_at(i) = lindyn_pick('spectral', 'alpha='.word(random_alpha, i))

set multiplot layout 1,3 margins 0.05,0.95,0.16,0.9 spacing 0.08,0
set xlabel 'GD steps (η = 10^{-4})'
set format x '%.0s%c'

set title 'loss (GD, η = 10^{-4})'
set ylabel 'log_{10} L'
set xrange [0:50000]
set yrange [-28:3]
set key bottom left font ',7' spacing 0.9
plot for [i=1:words(random)] word(random, i) \
        using (steps(column('t'))):(column('log10_loss_mean') - column('log10_loss_std')):(column('log10_loss_mean') + column('log10_loss_std')) \
        with filledcurves lc rgb col(i) notitle, \
     for [i=1:words(random)] word(random, i) using (steps(column('t'))):'log10_loss_mean' \
        with lines lw 1.5 lc rgb col(i) title 'random, α = '.word(random_alpha, i), \
     for [i=1:words(random)] spectral_at(i) \
        using (steps(column('t'))):(column('log10_loss_mean') - column('log10_loss_std')):(column('log10_loss_mean') + column('log10_loss_std')) \
        with filledcurves lc rgb col(i) notitle, \
     for [i=1:words(random)] spectral_at(i) using (steps(column('t'))):'log10_loss_mean' \
        with lines lw 1.5 dt 2 lc rgb col(i) title 'spectral, α = '.word(random_alpha, i)

set title 'alignment (random init)'
set ylabel 'log_{10}(1 - |cos(γ_1, U^S_{Z_1})|)'
set xrange [0:11000]
set yrange [-12:0.5]
set key bottom left
plot for [i=1:words(random)] word(random, i) \
        using (steps(column('t'))):(column('log10_misalign_mean') - column('log10_misalign_std')):(column('log10_misalign_mean') + column('log10_misalign_std')) \
        with filledcurves lc rgb col(i) notitle, \
     for [i=1:words(random)] word(random, i) using (steps(column('t'))):'log10_misalign_mean' \
        with lines lw 1.5 lc rgb col(i) title 'α = '.word(random_alpha, i)

set title 'phases, random init, α = '.pow10(phases_alpha)
set ylabel 'log_{10} values'
set y2label '||Z_1||_F'
set y2tics
set y2range [0:2]
set yrange [-12:2]
set key bottom left
plot phases using (steps(column('t'))):'log10_misalign_mean' with lines lw 1.5 lc rgb c1 title 'log_{10}(1 - |cos|)', \
     phases using (steps(column('t'))):'log10_loss_mean' with lines lw 1.5 lc rgb c2 title 'log_{10} L', \
     phases using (steps(column('t'))):'z1_mean' axes x1y2 with lines lw 1.5 lc rgb c3 title '||Z_1||_F (right axis)'
unset multiplot
