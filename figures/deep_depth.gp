# Deep linear networks: loss vs step for depth 2..5, at two initialization scales.
# Data (paper/deep_linear.md): loss = deep_depth/loss.agg, one file per
# (init_std, depth) point; columns step, loss_mean, loss_std, ...
size_pdf = '7in,3in'; size_png = '1400,600'
load lindyn_style
set multiplot layout 1,2
set logscale y
set format y '10^{%L}'
set xlabel 'step k'
set ylabel 'loss (mean over seeds)'
set yrange [1e-12:*]
set key top right
colors = c1.' '.c2.' '.c3.' '.c4
# The mean - std band, floored at the plot's lower edge.
lower(m, s) = m - s > 1e-12 ? m - s : 1e-12
do for [std in '0.02 0.1'] {
    set xrange [0:(std eq '0.02' ? 10000 : 2500)]
    set title sprintf('initialization {/Symbol s} = %s', std)
    plot for [L=2:5] lindyn_pick('loss', sprintf('init_std=%s depth=%d', std, L)) \
            using 'step':(lower(column('loss_mean'), column('loss_std'))):(column('loss_mean') + column('loss_std')) \
            with filledcurves lc rgb word(colors, L-1) notitle, \
         for [L=2:5] lindyn_pick('loss', sprintf('init_std=%s depth=%d', std, L)) \
            using 'step':'loss_mean' with lines lw 2 lc rgb word(colors, L-1) title sprintf('L = %d', L)
}
unset multiplot
