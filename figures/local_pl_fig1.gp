# TMLR Fig. 1: 3x3 grid (rows h = 500, 1000, 4000; columns sigma^2 = 0.01, 0.1, 1),
# mean +/- std over 30 trials of log10 L for the constant step eta0, eq. (19) with
# h = rhobar and with h = rho, each with its bound (triangles every 4 iterations).
size_pdf = '10in,8in'
size_png = '1500,1200'
load 'figures/style.gp'
e = datadir.'/lpl_fig1/'
pt(h, s, r) = e.sprintf('h-%d_noise-%s_rule-%s/', h, s, r)
# column index of a name in the aggregated tables' "# columns:" line
hdr = system("grep -m1 '^# columns:' ".pt(500, '0.01', 'rho').'loss.agg.tsv'." | cut -d: -f2")
col(n) = sum [i = 1:words(hdr)] (word(hdr, i) eq n ? i : 0)
thdr = system("grep -m1 '^# columns:' ".pt(500, '0.01', 'rho').'tmlr.agg.tsv'." | cut -d: -f2")
tcol(n) = sum [i = 1:words(thdr)] (word(thdr, i) eq n ? i : 0)
cl = col('log10_loss_mean'); cs = col('log10_loss_std')
cb0 = col('log10_bound_eta0_mean'); cbr = col('log10_bound_rhobar_mean'); cbg = col('log10_bound_rho_mean')
ca = tcol('alpha_ratio_mean')
set multiplot layout 3,3 margins 0.06,0.99,0.09,0.95 spacing 0.05,0.07
set xrange [0:49]
set yrange [-25:3]
set xtics 10
set ytics 5
set key off
H = '500 1000 4000'
S = '0.01 0.1 1'
do for [i = 1:3] {
  do for [j = 1:3] {
    h = int(word(H, i)); s = word(S, j)
    stats pt(h, s, 'rho').'tmlr.agg.tsv' using ca nooutput
    set title sprintf('α_1/α_2 = %.4f, h = %d, σ^2 = %s', STATS_max, h, s) font ',10'
    set xlabel (i == 3 ? 'Iterations' : '')
    set ylabel (j == 1 ? 'log_{10} L(t)' : '')
    if (i == 1 && j == 1) { set key top right font ',7' samplen 1.5 } else { set key off }
    plot pt(h, s, 'eta0').'loss.agg.tsv' using 1:(column(cl)-column(cs)):(column(cl)+column(cs)) with filledcurves lc rgb c1 notitle, \
         '' using 1:cl with lines lw 4 lc rgb c1 title 'constant step η_0', \
         '' using 1:cb0 every 4 with linespoints pt 8 ps 0.7 lc rgb c1 title 'eq. (17)', \
         pt(h, s, 'rhobar').'loss.agg.tsv' using 1:(column(cl)-column(cs)):(column(cl)+column(cs)) with filledcurves lc rgb c2 notitle, \
         '' using 1:cl with lines lw 2.5 lc rgb c2 title 'eq. (19), h = ρ̄', \
         '' using 1:cbr every 4 with linespoints pt 8 ps 0.7 lc rgb c2 title 'eq. (20), h = ρ̄', \
         pt(h, s, 'rho').'loss.agg.tsv' using 1:(column(cl)-column(cs)):(column(cl)+column(cs)) with filledcurves lc rgb c3 notitle, \
         '' using 1:cl with lines lw 1 lc rgb c3 title 'eq. (19), h = ρ', \
         '' using 1:cbg every 4 with linespoints pt 8 ps 0.7 lc rgb c3 title 'eq. (20), h = ρ'
  }
}
unset multiplot
