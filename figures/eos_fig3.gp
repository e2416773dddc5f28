# The survey's Figure 3: true GD (blue) and the reduced predictor eq. (42) (orange),
# top: two-point logistic regression, bottom: exp(-t1) t2^2 (paper/eos.md).
size_pdf = '9in,5in'
size_png = '1500,830'
load 'figures/style.gp'
orange = c5
set multiplot layout 2, 3 margins 0.07, 0.98, 0.08, 0.94 spacing 0.07, 0.13
set xrange [0:30]
set xlabel 'iteration'
set key top right font ',8'
do for [row in 'logistic valley'] {
    tr = datadir.'/eos_fig3_'.row.'/base/s0/traj.tsv'
    rd = datadir.'/eos_fig3_'.row.'/base/s0/reduced.tsv'
    set title 'Loss ('.row.')'
    plot tr using 1:2 with linespoints pt 7 ps 0.4 lc rgb c1 title 'true', \
         rd using 1:2 with linespoints pt 7 ps 0.4 lc rgb orange title 'eq. (42)'
    set title 'Alpha ('.row.')'
    plot tr using 1:3 with linespoints pt 7 ps 0.4 lc rgb c1 title 'true', \
         rd using 1:3 with linespoints pt 7 ps 0.4 lc rgb orange title 'eq. (42)'
    set title 'Lambda ('.row.')'
    plot tr using 1:5 with linespoints pt 7 ps 0.4 lc rgb c1 title 'true', \
         rd using 1:4 with linespoints pt 7 ps 0.4 lc rgb orange title 'eq. (42)'
}
unset multiplot
