# Deep linear networks: loss vs step for depth 2..5, at two initialization scales.
size_pdf = '7in,3in'; size_png = '1400,600'
load 'figures/style.gp'
set multiplot layout 1,2
set logscale y
set format y '10^{%L}'
set xlabel 'step k'
set ylabel 'loss (mean over seeds)'
set yrange [1e-12:*]
set key top right
colors = c1.' '.c2.' '.c3.' '.c4
do for [std in '0.02 0.1'] {
    set xrange [0:(std eq '0.02' ? 10000 : 2500)]
    set title sprintf('initialization {/Symbol s} = %s', std)
    plot for [L=2:5] sprintf('%s/deep_depth/init_std-%s_depth-%d/loss.agg.tsv', datadir, std, L) \
            using 1:(($4-$5) > 1e-12 ? $4-$5 : 1e-12):($4+$5) with filledcurves lc rgb word(colors, L-1) notitle, \
         for [L=2:5] sprintf('%s/deep_depth/init_std-%s_depth-%d/loss.agg.tsv', datadir, std, L) \
            using 1:4 with lines lw 2 lc rgb word(colors, L-1) title sprintf('L = %d', L)
}
unset multiplot
