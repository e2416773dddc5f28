# The 3 x 3 grids of Xu et al. (AISTATS 2025) Figures 3 and 4, loaded by
# lora_fig3.gp / lora_fig4.gp, whose figures have the data lines
#   random, spectral  loss.agg of each init at every (c, t_end) row and alpha
#   phases            loss.agg of the random init at the phase panel's alpha,
#                     one file per row (its c and t_end give the row)
# and which set before loading:
#   xalign       the three alignment/phase-panel x ranges (GD steps)
#   solvername   how the data was drawn (for the panel titles)
# Row r has delta_w = 1/c^2 and its loss panel spans t_end; x is t/eta with
# eta = 1e-4 (GD steps).
size_pdf = '10in,8.4in'
size_png = '1800,1500'
load lindyn_style
col(i) = (i == 1 ? c1 : i == 2 ? c2 : c3)
steps(t) = t / 1e-4
# '1e-5' -> '10^{-5}' for the titles; other values as written
pow10(a) = (a[1:2] eq '1e' ? '10^{'.a[3:].'}' : a)
# delta_w = 1/c^2 as the paper writes it: '1/4' when c^2 is whole, else '1/1.05^2'
dwname(c) = (c * c == int(c * c) ? sprintf('1/%d', int(c * c)) : '1/'.c.'^2')
# the alphas of the sweep, each once, in sweep order
alphas = ''
do for [i=1:words(random_alpha)] {
    a = word(random_alpha, i)
    if (strstrt(' '.alphas.' ', ' '.a.' ') == 0) { alphas = alphas.' '.a }
}
curve(name, c, i) = lindyn_pick(name, sprintf('c=%s alpha=%s', c, word(alphas, i)))

set multiplot layout 3,3 margins 0.06,0.95,0.05,0.95 spacing 0.07,0.07
set format x '%.0s%c'
set key font ',7' spacing 0.85 samplen 1.5
do for [row=1:words(phases)] {
    c = word(phases_c, row)
    set xlabel (row == words(phases) ? 'steps t/η (η = 10^{-4})' : '')
    unset y2tics; unset y2label
    set title sprintf('δw = %s: loss (%s)', dwname(c), solvername)
    set ylabel 'log_{10} L'
    set xrange [0:steps(word(phases_t_end, row))]
    set yrange [-32:3]
    set key bottom left
    plot for [i=1:words(alphas)] curve('random', c, i) \
            using (steps(column('t'))):(column('log10_loss_mean') - column('log10_loss_std')):(column('log10_loss_mean') + column('log10_loss_std')) \
            with filledcurves lc rgb col(i) notitle, \
         for [i=1:words(alphas)] curve('random', c, i) using (steps(column('t'))):'log10_loss_mean' \
            with lines lw 1.3 lc rgb col(i) title 'random, α = '.word(alphas, i), \
         for [i=1:words(alphas)] curve('spectral', c, i) \
            using (steps(column('t'))):(column('log10_loss_mean') - column('log10_loss_std')):(column('log10_loss_mean') + column('log10_loss_std')) \
            with filledcurves lc rgb col(i) notitle, \
         for [i=1:words(alphas)] curve('spectral', c, i) using (steps(column('t'))):'log10_loss_mean' \
            with lines lw 1.3 dt 2 lc rgb col(i) title 'spectral, α = '.word(alphas, i)

    set title sprintf('δw = %s: alignment, random init', dwname(c))
    set ylabel 'log_{10}(1 - |cos(γ_1, U^S_{Z_1})|)'
    set xrange [0:word(xalign, row)+0]
    set yrange [-22:0.5]
    plot for [i=1:words(alphas)] curve('random', c, i) \
            using (steps(column('t'))):(column('log10_misalign_mean') - column('log10_misalign_std')):(column('log10_misalign_mean') + column('log10_misalign_std')) \
            with filledcurves lc rgb col(i) notitle, \
         for [i=1:words(alphas)] curve('random', c, i) using (steps(column('t'))):'log10_misalign_mean' \
            with lines lw 1.3 lc rgb col(i) title 'α = '.word(alphas, i)

    set title sprintf('δw = %s: phases, random init, α = %s', dwname(c), pow10(word(phases_alpha, row)))
    set ylabel 'log_{10} values'
    set y2label '||Z_1||_F'
    set y2tics
    set y2range [0:*]
    set yrange [-22:2]
    g = word(phases, row)
    plot g using (steps(column('t'))):'log10_misalign_mean' with lines lw 1.3 lc rgb c1 title 'log_{10}(1 - |cos|)', \
         g using (steps(column('t'))):'log10_loss_mean' with lines lw 1.3 lc rgb c2 title 'log_{10} L', \
         g using (steps(column('t'))):'z1_mean' axes x1y2 with lines lw 1.3 lc rgb c3 title '||Z_1||_F (right)'
}
unset multiplot
