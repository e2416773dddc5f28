# TMLR Fig. 1: 3x3 grid (rows h = 500, 1000, 4000; columns sigma^2 = 0.01, 0.1, 1),
# mean +/- std over 30 trials of log10 L for the constant step eta0, eq. (19) with
# h = rhobar and with h = rho, each with its bound (triangles every 4 iterations).
# Data (paper/local_pl.md): eta0, rhobar, rho = the loss.agg of each rule at every
# (h, noise) point, ratio = the rho rule's tmlr.agg (alpha1/alpha2 in the titles).
size_pdf = '10in,8in'
size_png = '1500,1200'
load lindyn_style
# one panel per point of the rho rule, in sweep order (h outer: one row per h)
ncol = sum [k = 1:words(rho)] (word(rho_h, k) eq word(rho_h, 1) ? 1 : 0)
nrow = words(rho) / ncol
set multiplot layout nrow,ncol margins 0.06,0.99,0.09,0.95 spacing 0.05,0.07
set xrange [0:49]
set yrange [-25:3]
set xtics 10
set ytics 5
set key off
do for [k = 1:words(rho)] {
    h = word(rho_h, k); s = word(rho_noise, k)
    at = sprintf('h=%s noise=%s', h, s)
    stats lindyn_pick('ratio', at) using 'alpha_ratio_mean' nooutput
    set title sprintf('α_1/α_2 = %.4f, h = %s, σ^2 = %s', STATS_max, h, s) font ',10'
    set xlabel (k > (nrow - 1) * ncol ? 'Iterations' : '')
    set ylabel ((k - 1) % ncol == 0 ? 'log_{10} L(t)' : '')
    if (k == 1) { set key top right font ',7' samplen 1.5 } else { set key off }
    plot lindyn_pick('eta0', at) using 'step':(column('log10_loss_mean')-column('log10_loss_std')):(column('log10_loss_mean')+column('log10_loss_std')) with filledcurves lc rgb c1 notitle, \
         '' using 'step':'log10_loss_mean' with lines lw 4 lc rgb c1 title 'constant step η_0', \
         '' using 'step':'log10_bound_eta0_mean' every 4 with linespoints pt 8 ps 0.7 lc rgb c1 title 'eq. (17)', \
         lindyn_pick('rhobar', at) using 'step':(column('log10_loss_mean')-column('log10_loss_std')):(column('log10_loss_mean')+column('log10_loss_std')) with filledcurves lc rgb c2 notitle, \
         '' using 'step':'log10_loss_mean' with lines lw 2.5 lc rgb c2 title 'eq. (19), h = ρ̄', \
         '' using 'step':'log10_bound_rhobar_mean' every 4 with linespoints pt 8 ps 0.7 lc rgb c2 title 'eq. (20), h = ρ̄', \
         word(rho, k) using 'step':(column('log10_loss_mean')-column('log10_loss_std')):(column('log10_loss_mean')+column('log10_loss_std')) with filledcurves lc rgb c3 notitle, \
         '' using 'step':'log10_loss_mean' with lines lw 1 lc rgb c3 title 'eq. (19), h = ρ', \
         '' using 'step':'log10_bound_rho_mean' every 4 with linespoints pt 8 ps 0.7 lc rgb c3 title 'eq. (20), h = ρ'
}
unset multiplot
