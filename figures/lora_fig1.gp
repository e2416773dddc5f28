# Xu et al. (AISTATS 2025) Figure 1: LoRA on a frozen factorization, GD with
# eta = 1e-4 (lora_gf solver=gd), 30 seeds, mean +/- 1 std of the log10 values.
# Columns of loss.agg.tsv: 1 t, 8/9 log10_loss mean/std, 12/13 log10_misalign
# mean/std, 14/15 z1 mean/std.
size_pdf = '10in,3.1in'
size_png = '1800,560'
load 'figures/style.gp'
e = datadir.'/lora_fig1/'
f(init, a) = e.'init-'.init.'_alpha-'.a.'/loss.agg.tsv'
alphas = '1e-3 1e-4 1e-5'
col(i) = (i == 1 ? c1 : i == 2 ? c2 : c3)
steps(t) = t / 1e-4

set multiplot layout 1,3 margins 0.05,0.95,0.16,0.9 spacing 0.08,0
set xlabel 'GD steps (η = 10^{-4})'
set format x '%.0s%c'

set title 'loss (GD, η = 10^{-4})'
set ylabel 'log_{10} L'
set xrange [0:50000]
set yrange [-28:3]
set key bottom left font ',7' spacing 0.9
plot for [i=1:3] f('random', word(alphas, i)) using (steps($1)):($8-$9):($8+$9) \
        with filledcurves lc rgb col(i) notitle, \
     for [i=1:3] f('random', word(alphas, i)) using (steps($1)):8 with lines lw 1.5 \
        lc rgb col(i) title 'random, α = '.word(alphas, i), \
     for [i=1:3] f('spectral', word(alphas, i)) using (steps($1)):($8-$9):($8+$9) \
        with filledcurves lc rgb col(i) notitle, \
     for [i=1:3] f('spectral', word(alphas, i)) using (steps($1)):8 with lines lw 1.5 dt 2 \
        lc rgb col(i) title 'spectral, α = '.word(alphas, i)

set title 'alignment (random init)'
set ylabel 'log_{10}(1 - |cos(γ_1, U^S_{Z_1})|)'
set xrange [0:11000]
set yrange [-12:0.5]
set key bottom left
plot for [i=1:3] f('random', word(alphas, i)) using (steps($1)):($12-$13):($12+$13) \
        with filledcurves lc rgb col(i) notitle, \
     for [i=1:3] f('random', word(alphas, i)) using (steps($1)):12 with lines lw 1.5 \
        lc rgb col(i) title 'α = '.word(alphas, i)

set title 'phases, random init, α = 10^{-5}'
set ylabel 'log_{10} values'
set y2label '||Z_1||_F'
set y2tics
set y2range [0:2]
set yrange [-12:2]
set key bottom left
g = f('random', '1e-5')
plot g using (steps($1)):12 with lines lw 1.5 lc rgb c1 title 'log_{10}(1 - |cos|)', \
     g using (steps($1)):8 with lines lw 1.5 lc rgb c2 title 'log_{10} L', \
     g using (steps($1)):14 axes x1y2 with lines lw 1.5 lc rgb c3 title '||Z_1||_F (right axis)'
unset multiplot
