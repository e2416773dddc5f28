# TMLR Fig. 2: log10 L against wall-clock seconds (log scale), sigma^2 = 1, mean of
# 5 trials: backtracking, the AISTATS adaptive rule, eq. (19) with h = rho; second
# row: the step sizes against the iteration (the paper's caption mentions them).
size_pdf = '10in,6in'
size_png = '1500,900'
load 'figures/style.gp'
e = datadir.'/lpl_fig2/'
pt(h, r) = e.sprintf('h-%d_rule-%s/loss.agg.tsv', h, r)
hdr = system("grep -m1 '^# columns:' ".pt(500, 'rho')." | cut -d: -f2")
col(n) = sum [i = 1:words(hdr)] (word(hdr, i) eq n ? i : 0)
cl = col('log10_loss_mean'); cw = col('wall_mean'); ce = col('eta_mean')
set multiplot layout 2,3 margins 0.06,0.99,0.08,0.95 spacing 0.05,0.1
set logscale x
set format x '10^{%L}'
set xrange [1e-5:2]
set yrange [-25:3]
set xlabel 'Seconds'
H = '500 1000 4000'
do for [i = 1:3] {
  h = int(word(H, i))
  set title sprintf('h = %d, σ^2 = 1', h)
  set ylabel (i == 1 ? 'log_{10} L(t)' : '')
  if (i == 1) { set key bottom left font ',8' } else { set key off }
  plot pt(h, 'armijo') using cw:cl with lines lw 1.5 lc rgb c1 title 'backtracking line search', \
       pt(h, 'xu-adaptive') using cw:cl with lines lw 1.5 lc rgb c2 title 'Xu et al. 2023 (Algorithm 1)', \
       pt(h, 'rho') using cw:cl with lines lw 1.5 lc rgb c3 title 'eq. (19), h = ρ'
}
unset logscale x
set format x '%g'
set xrange [0:450]
set yrange [-21:-1]
set xlabel 'Iterations'
set key off
do for [i = 1:3] {
  h = int(word(H, i))
  set title sprintf('step size, h = %d', h)
  set ylabel (i == 1 ? 'log_{10} η_t' : '')
  plot pt(h, 'armijo') using 1:(log10(column(ce))) with lines lw 1.5 lc rgb c1, \
       pt(h, 'xu-adaptive') using 1:(log10(column(ce))) with lines lw 1.5 lc rgb c2, \
       pt(h, 'rho') using 1:(log10(column(ce))) with lines lw 1.5 lc rgb c3
}
unset multiplot
