# The 3 x 3 grids of Xu et al. (AISTATS 2025) Figures 3 and 4, loaded by
# lora_fig3.gp / lora_fig4.gp after they set:
#   exp       experiment name under datadir
#   rows      the three 'c-C_t_end-T' point prefixes (delta_w = 1/c^2)
#   dwname    the three delta_w labels
#   xloss     the three loss-panel x ranges (GD steps)
#   xalign    the three alignment/phase-panel x ranges
#   solvername  how the data was drawn (for the panel titles)
# Columns of loss.agg.tsv: 1 t, 8/9 log10_loss mean/std, 12/13 log10_misalign
# mean/std, 14/15 z1 mean/std.  x is t/eta with eta = 1e-4 (GD steps).
size_pdf = '10in,8.4in'
size_png = '1800,1500'
load 'figures/style.gp'
e = datadir.'/'.exp.'/'
f(row, init, a) = e.word(rows, row).'_init-'.init.'_alpha-'.a.'/loss.agg.tsv'
alphas = '1e-3 1e-4 1e-5'
col(i) = (i == 1 ? c1 : i == 2 ? c2 : c3)
steps(t) = t / 1e-4

set multiplot layout 3,3 margins 0.06,0.95,0.05,0.95 spacing 0.07,0.07
set format x '%.0s%c'
set key font ',7' spacing 0.85 samplen 1.5
do for [row=1:3] {
    set xlabel (row == 3 ? 'steps t/η (η = 10^{-4})' : '')
    unset y2tics; unset y2label
    set title sprintf('δw = %s: loss (%s)', word(dwname, row), solvername)
    set ylabel 'log_{10} L'
    set xrange [0:word(xloss, row)+0]
    set yrange [-32:3]
    set key bottom left
    plot for [i=1:3] f(row, 'random', word(alphas, i)) using (steps($1)):($8-$9):($8+$9) \
            with filledcurves lc rgb col(i) notitle, \
         for [i=1:3] f(row, 'random', word(alphas, i)) using (steps($1)):8 with lines lw 1.3 \
            lc rgb col(i) title 'random, α = '.word(alphas, i), \
         for [i=1:3] f(row, 'spectral', word(alphas, i)) using (steps($1)):($8-$9):($8+$9) \
            with filledcurves lc rgb col(i) notitle, \
         for [i=1:3] f(row, 'spectral', word(alphas, i)) using (steps($1)):8 with lines lw 1.3 \
            dt 2 lc rgb col(i) title 'spectral, α = '.word(alphas, i)

    set title sprintf('δw = %s: alignment, random init', word(dwname, row))
    set ylabel 'log_{10}(1 - |cos(γ_1, U^S_{Z_1})|)'
    set xrange [0:word(xalign, row)+0]
    set yrange [-22:0.5]
    plot for [i=1:3] f(row, 'random', word(alphas, i)) using (steps($1)):($12-$13):($12+$13) \
            with filledcurves lc rgb col(i) notitle, \
         for [i=1:3] f(row, 'random', word(alphas, i)) using (steps($1)):12 with lines lw 1.3 \
            lc rgb col(i) title 'α = '.word(alphas, i)

    set title sprintf('δw = %s: phases, random init, α = 10^{-5}', word(dwname, row))
    set ylabel 'log_{10} values'
    set y2label '||Z_1||_F'
    set y2tics
    set y2range [0:*]
    set yrange [-22:2]
    g = f(row, 'random', '1e-5')
    plot g using (steps($1)):12 with lines lw 1.3 lc rgb c1 title 'log_{10}(1 - |cos|)', \
         g using (steps($1)):8 with lines lw 1.3 lc rgb c2 title 'log_{10} L', \
         g using (steps($1)):14 axes x1y2 with lines lw 1.3 lc rgb c3 title '||Z_1||_F (right)'
}
unset multiplot
