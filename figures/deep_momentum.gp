# Deep linear networks: heavy ball vs GD (left), imbalance drift vs step size (right).
size_pdf = '7in,3in'; size_png = '1400,600'
load 'figures/style.gp'
set multiplot layout 1,2
set title 'steps to reach loss 10^{-6}'
set xlabel 'depth L'
set ylabel 'steps'
set xrange [1.5:5.5]
set xtics 1
set key top right
# summary.final columns: momentum depth depth_mean depth_std loss0_mean loss0_std
#   loss_final_mean loss_final_std steps_to_tol_mean steps_to_tol_std reached_mean reached_std
f = datadir.'/deep_momentum/summary.final.tsv'
plot f using ($1 == 0 ? $2 : NaN):9:10 with yerrorlines lw 2 lc rgb c1 title 'GD ({/Symbol b} = 0)', \
     f using ($1 > 0 ? $2 : NaN):9:10 with yerrorlines lw 2 lc rgb c2 title 'heavy ball ({/Symbol b} = 0.9)'
set title 'imbalance drift, depth 3, to t = {/Symbol h}k = 20'
set xlabel 't = {/Symbol h} k'
set ylabel 'max_i ||D_i(t) - D_i(0)||_F'
set autoscale x
set xtics autofreq
set logscale y
set format y '10^{%L}'
set key bottom right
plot datadir.'/deep_eta/eta-0.01_steps-2000_log_every-10/s0/loss.tsv' using 2:5 with lines lw 2 lc rgb c1 title '{/Symbol h} = 0.01', \
     datadir.'/deep_eta/eta-0.005_steps-4000_log_every-20/s0/loss.tsv' using 2:5 with lines lw 2 lc rgb c2 title '{/Symbol h} = 0.005', \
     datadir.'/deep_eta/eta-0.0025_steps-8000_log_every-40/s0/loss.tsv' using 2:5 with lines lw 2 lc rgb c3 title '{/Symbol h} = 0.0025'
unset multiplot
