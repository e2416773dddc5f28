# AISTATS Fig. 1 (E4): fixed eta_max vs Algorithm 1 with their bounds (dashed),
# sigma = 0.1, 2, 10; top row the paper's Gaussian X, bottom row an orthonormal X.
size_pdf = '10in,6in'
size_png = '1500,900'
load 'figures/style.gp'
e = datadir.'/lpl_e4/'
pt(x, su, sv, r) = e.sprintf('data-%s_sigma_u-%s_sigma_v-%s_rule-%s/', x, su, sv, r)
f0 = pt('gauss', '0.1', '10', 'xu-fixed')
hdr = system("grep -m1 '^# columns:' ".f0.'loss.agg.tsv'." | cut -d: -f2")
col(n) = sum [i = 1:words(hdr)] (word(hdr, i) eq n ? i : 0)
ahdr = system("grep -m1 '^# columns:' ".f0.'aistats.agg.tsv'." | cut -d: -f2")
ca = sum [i = 1:words(ahdr)] (word(ahdr, i) eq 'alpha0_ratio_mean' ? i : 0)
cl = col('log10_loss_mean'); cs = col('log10_loss_std')
cf = col('log10_bound_f_mean'); cf0 = col('log10_bound_f0_mean')
SU = '0.1 2 10'
SV = '10 0.5 0.1'
X = 'gauss orthonormal'
set multiplot layout 2,3 margins 0.06,0.99,0.08,0.95 spacing 0.05,0.09
set xrange [0:500]
set yrange [-28:8]
do for [i = 1:2] {
  do for [j = 1:3] {
    xk = word(X, i); su = word(SU, j); sv = word(SV, j)
    stats pt(xk, su, sv, 'xu-fixed').'aistats.agg.tsv' using ca nooutput
    set title sprintf('%s X: α_0/β_0 = %.3f, σ = %s', xk, STATS_max, su) font ',10'
    set xlabel (i == 2 ? 'Iterations' : '')
    set ylabel (j == 1 ? 'log_{10} L(t)' : '')
    if (i == 1 && j == 1) { set key bottom left font ',7' } else { set key off }
    plot pt(xk, su, sv, 'xu-fixed').'loss.agg.tsv' using 1:cl with lines lw 1.5 lc rgb c1 title 'fixed step, Thm 3.2', \
         '' using 1:cf0 with lines dt 2 lc rgb c1 title 'bound f(η,0)^t L(0)', \
         pt(xk, su, sv, 'xu-adaptive').'loss.agg.tsv' using 1:(column(cl)-column(cs)):(column(cl)+column(cs)) with filledcurves lc rgb c2 notitle, \
         '' using 1:cl with lines lw 1.5 lc rgb c2 title 'adaptive step, Algorithm 1', \
         '' using 1:cf with lines dt 2 lc rgb c2 title 'bound ∏ f(η_k,k) L(0)'
  }
}
unset multiplot
