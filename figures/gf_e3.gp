# S2 Fig. 2: scaled imbalance spectrum at h = 30 and 1000, and loss and
# instantaneous rate vs iteration (k = t / 1e-3) for h = 30, 100, 300, 1000.
# Data (figvars): runs (the loss table of every width, with runs_h),
# spectrum_narrow / spectrum_wide (the spectrum at the narrowest and widest h).
size_pdf = '11in,3.4in'
size_png = '2100,650'
load lindyn_style
colours = c1.' '.c2.' '.c3.' '.c4.' '.c5.' '.c6
nruns = words(runs)
fl(i) = word(runs, i)
clr(i) = word(colours, i)
run_index(h) = sum [i=1:nruns] (word(runs_h, i) eq h ? i : 0)   # a spectrum takes its width's colour
K = 1e3   # iterations per unit of flow time, n m / (2 eta)

set multiplot layout 1,3
set key font ',8'

set title 'imbalance spectrum λ_i(Λ)/(mh)'
set xlabel 'index i'
set ylabel 'scaled eigenvalue'
set logscale x
set xrange [0.8:1300]
set yrange [-0.35:0.65]
set key top right
plot spectrum_narrow using 'i':'lambda_scaled' with points pt 7 ps 0.6 lc rgb clr(run_index(spectrum_narrow_h)) title 'h = '.spectrum_narrow_h, \
     spectrum_wide using 'i':'lambda_scaled' with points pt 6 ps 0.6 lc rgb clr(run_index(spectrum_wide_h)) title 'h = '.spectrum_wide_h, \
     0 with lines lc rgb '#999999' notitle
unset logscale x

set title 'loss (1/(nm))||Y - UV^T/sqrt(mh)||^2'
set xlabel 'iteration k'
set ylabel 'loss'
set xrange [0:15000]
set xtics 5000
set yrange [1e-7:1]
set logscale y
set format y '10^{%L}'
set key bottom left
plot for [i=1:nruns] fl(i) using (column('t')*K):'loss' with lines lw 1.5 lc rgb clr(i) title 'h = '.word(runs_h, i), \
     for [i=1:nruns] fl(i) using (column('t')*K):'bound_thm3' with lines dt 2 lc rgb clr(i) notitle, \
     NaN with lines dt 2 lc rgb '#666666' title 'Theorem 3 bound'

set title 'instantaneous rate -dL/dt / (L - L*)'
set ylabel 'rate (per unit flow time)'
unset logscale y
set format y '%g'
set yrange [0:1.3]
set key top right
plot for [i=1:nruns] fl(i) using (column('t')*K):'rate' with lines lw 1.5 lc rgb clr(i) title 'h = '.word(runs_h, i), \
     for [i=1:nruns] fl(i) using (column('t')*K):'rate_bound' with lines dt 2 lc rgb clr(i) notitle, \
     NaN with lines dt 2 lc rgb '#666666' title 'Prop. 1 bound'
unset multiplot
