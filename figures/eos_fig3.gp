# The survey's Figure 3: true GD (blue) and the reduced predictor eq. (42) (orange),
# top: two-point logistic regression, bottom: exp(-t1) t2^2 (paper/eos.md).
# Data (figvars): ROW_traj (GD) and ROW_reduced (eq. (42)) for ROW = logistic, valley.
size_pdf = '9in,5in'
size_png = '1500,830'
load lindyn_style
orange = c5
set multiplot layout 2, 3 margins 0.07, 0.98, 0.08, 0.94 spacing 0.07, 0.13
set xrange [0:30]
set xlabel 'iteration'
set key top right font ',8'
do for [row in 'logistic valley'] {
    tr = value(row.'_traj')
    rd = value(row.'_reduced')
    set title 'Loss ('.row.')'
    plot tr using 't':'loss' with linespoints pt 7 ps 0.4 lc rgb c1 title 'true', \
         rd using 't':'loss' with linespoints pt 7 ps 0.4 lc rgb orange title 'eq. (42)'
    set title 'Alpha ('.row.')'
    plot tr using 't':'alpha' with linespoints pt 7 ps 0.4 lc rgb c1 title 'true', \
         rd using 't':'alpha' with linespoints pt 7 ps 0.4 lc rgb orange title 'eq. (42)'
    set title 'Lambda ('.row.')'
    plot tr using 't':'sharp_m' with linespoints pt 7 ps 0.4 lc rgb c1 title 'true', \
         rd using 't':'lambda' with linespoints pt 7 ps 0.4 lc rgb orange title 'eq. (42)'
}
unset multiplot
