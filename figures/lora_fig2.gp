# Xu et al. (2025) Fig. 2 on Fashion-MNIST (lora_fmnist): final train/test
# accuracy (left) and cross-entropy (middle) against the LoRA init std, mean
# +/- std over seeds, for the head pre-trained on five classes (solid, filled)
# and the fresh zero head (dashed, open); right: alignment of [B; A^T] with
# the linearized growth directions and ||[B; A^T]||_F over the first 300 SGD
# steps (init std 1e-3, step 0.1), mean +/- std bands.
size_pdf = '10in,3.3in'
size_png = '1800,600'
load 'figures/style.gp'
pre = datadir.'/lora_fig2/epoch.final.tsv'
fresh = datadir.'/lora_fig2_fresh/epoch.final.tsv'
apre = datadir.'/lora_fig2_align/base/early.agg.tsv'
afresh = datadir.'/lora_fig2_align_fresh/base/early.agg.tsv'

set multiplot layout 1,3 margins 0.05,0.95,0.15,0.90 spacing 0.07,0
set logscale x
set xrange [0.02:1.25]
set xtics ('0.025' 0.025, '0.05' 0.05, '0.1' 0.1, '0.2' 0.2, '0.4' 0.4, '1' 1)
set xlabel 'LoRA init std'
set key bottom left font ',8'

set title 'accuracy'
set ylabel 'accuracy (%)'
plot pre using 1:8:9 with yerrorlines lw 1.5 pt 7 ps 0.6 lc rgb c1 title 'train, pre-trained head', \
     pre using 1:12:13 with yerrorlines lw 1.5 pt 7 ps 0.6 lc rgb c2 title 'test, pre-trained head', \
     fresh using 1:8:9 with yerrorlines lw 1.5 dt 2 pt 6 ps 0.6 lc rgb c1 title 'train, fresh head', \
     fresh using 1:12:13 with yerrorlines lw 1.5 dt 2 pt 6 ps 0.6 lc rgb c2 title 'test, fresh head'

set title 'cross-entropy'
set ylabel 'loss'
set key top left
plot pre using 1:6:7 with yerrorlines lw 1.5 pt 7 ps 0.6 lc rgb c1 title 'train, pre-trained head', \
     pre using 1:10:11 with yerrorlines lw 1.5 pt 7 ps 0.6 lc rgb c2 title 'test, pre-trained head', \
     fresh using 1:6:7 with yerrorlines lw 1.5 dt 2 pt 6 ps 0.6 lc rgb c1 title 'train, fresh head', \
     fresh using 1:10:11 with yerrorlines lw 1.5 dt 2 pt 6 ps 0.6 lc rgb c2 title 'test, fresh head'

set title 'first 300 SGD steps (init std 1e-3)'
unset logscale x
set xrange [0:300]
set xtics auto
set xlabel 'step'
set ylabel 'alignment'
set yrange [0:1.05]
set y2label '||[B; A^T]||_F'
set y2range [0:6]
set y2tics
set ytics nomirror
set key top right
plot apre using 1:($4-$5):($4+$5) with filledcurves lc rgb c1 notitle, \
     apre using 1:4 with lines lw 1.5 lc rgb c1 title 'alignment, pre-trained head', \
     afresh using 1:($4-$5):($4+$5) with filledcurves lc rgb c1 notitle, \
     afresh using 1:4 with lines lw 1.5 dt 2 lc rgb c1 title 'alignment, fresh head', \
     apre using 1:($6-$7):($6+$7) axes x1y2 with filledcurves lc rgb c2 notitle, \
     apre using 1:6 axes x1y2 with lines lw 1.5 lc rgb c2 title 'norm, pre-trained head', \
     afresh using 1:($6-$7):($6+$7) axes x1y2 with filledcurves lc rgb c2 notitle, \
     afresh using 1:6 axes x1y2 with lines lw 1.5 dt 2 lc rgb c2 title 'norm, fresh head'
unset multiplot
