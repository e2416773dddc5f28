# TMLR Fig. 3: the toy example l(x) = (x-1)^2/2, L(x1,x2) = (x1 x2 - 1)^2/2,
# mu_over = x1^2 + x2^2 and K_over = lambda_max(Hessian), from gd2_toy's 41 x 41 grid.
size_pdf = '11in,2.9in'
size_png = '1700,450'
load lindyn_style
# Data (paper/local_pl.md): ell and surface, the two tables of the one gd2_toy run.
# surface is a regular grid x grid table (counted before any range can filter it)
stats surface using 'x1' nooutput
grid = int(sqrt(STATS_records) + 0.5)
set style fill solid 1.0 noborder
set key off
set multiplot layout 1,4
set title 'ℓ(x) = ½(x − 1)^2'
set xlabel 'x'
set xrange [-2:2]
set yrange [0:4.5]
plot ell using 'x':'ell' with lines lw 2 lc rgb c1
# the grid is regular: a near-nearest-neighbour dgrid3d reproduces it
set dgrid3d grid,grid qnorm 32
set palette rgb 33,13,10
set xrange [-2:2]; set yrange [-2:2]
set xtics 1; set ytics 1
set xlabel 'x_1'; set ylabel 'x_2'
set view 55,35,0.9,1.0
set xyplane at 0
unset colorbox
set pm3d at s
set title 'L(x_1, x_2) = ½(x_1x_2 − 1)^2'
set zrange [0:13]; set cbrange [0:13]
splot surface using 'x1':'x2':'L' with pm3d
set title 'μ_{over} = x_1^2 + x_2^2'
set view map
set colorbox
set pm3d at b
set cbrange [0:8]
set label 1 'μ(0,0) = 0' at 0.1,0.25 front font ',8' tc rgb 'white'
splot surface using 'x1':'x2':'mu_over' with pm3d
unset label 1
set title 'K_{over} = λ_{max}(∇^2L)'
set view 55,35,0.9,1.0
set xyplane at 0
unset colorbox
set pm3d at s
set zrange [0:13]; set cbrange [0:13]
set ztics 6
splot surface using 'x1':'x2':'K_over' with pm3d
unset multiplot
