# Xu et al. (2025) Fig. 2 on Fashion-MNIST (lora_fmnist): final train/test
# accuracy (left) and cross-entropy (middle) against the LoRA init std, mean
# +/- std over seeds, for the head pre-trained on five classes (solid, filled)
# and the fresh zero head (dashed, open); right: alignment of [B; A^T] with
# the linearized growth directions and ||[B; A^T]||_F over the first 300 SGD
# steps (init std 1e-3, step 0.1), mean +/- std bands.  Data lines: pre and
# fresh (epoch.final of the std sweep of each head), align_pre and align_fresh
# (early.agg of the 300-step runs).
size_pdf = '10in,3.3in'
size_png = '1800,600'
load lindyn_style

set multiplot layout 1,3 margins 0.05,0.95,0.15,0.90 spacing 0.07,0
set logscale x
set xrange [0.02:1.25]
# a tic at every swept std (the pre-trained head's points), labelled as %g prints it
std_label(x) = sprintf('%g', x)
set xtics ()
set xlabel 'LoRA init std'
set key bottom left font ',8'

set title 'accuracy'
set ylabel 'accuracy (%)'
plot pre using 'init_std':'train_acc_mean':'train_acc_std':xticlabels(std_label(column('init_std'))) with yerrorlines lw 1.5 pt 7 ps 0.6 lc rgb c1 title 'train, pre-trained head', \
     pre using 'init_std':'test_acc_mean':'test_acc_std' with yerrorlines lw 1.5 pt 7 ps 0.6 lc rgb c2 title 'test, pre-trained head', \
     fresh using 'init_std':'train_acc_mean':'train_acc_std' with yerrorlines lw 1.5 dt 2 pt 6 ps 0.6 lc rgb c1 title 'train, fresh head', \
     fresh using 'init_std':'test_acc_mean':'test_acc_std' with yerrorlines lw 1.5 dt 2 pt 6 ps 0.6 lc rgb c2 title 'test, fresh head'

set title 'cross-entropy'
set ylabel 'loss'
set key top left
plot pre using 'init_std':'train_loss_mean':'train_loss_std':xticlabels(std_label(column('init_std'))) with yerrorlines lw 1.5 pt 7 ps 0.6 lc rgb c1 title 'train, pre-trained head', \
     pre using 'init_std':'test_loss_mean':'test_loss_std' with yerrorlines lw 1.5 pt 7 ps 0.6 lc rgb c2 title 'test, pre-trained head', \
     fresh using 'init_std':'train_loss_mean':'train_loss_std' with yerrorlines lw 1.5 dt 2 pt 6 ps 0.6 lc rgb c1 title 'train, fresh head', \
     fresh using 'init_std':'test_loss_mean':'test_loss_std' with yerrorlines lw 1.5 dt 2 pt 6 ps 0.6 lc rgb c2 title 'test, fresh head'

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
plot align_pre using 'step':(column('align_mean') - column('align_std')):(column('align_mean') + column('align_std')) with filledcurves lc rgb c1 notitle, \
     align_pre using 'step':'align_mean' with lines lw 1.5 lc rgb c1 title 'alignment, pre-trained head', \
     align_fresh using 'step':(column('align_mean') - column('align_std')):(column('align_mean') + column('align_std')) with filledcurves lc rgb c1 notitle, \
     align_fresh using 'step':'align_mean' with lines lw 1.5 dt 2 lc rgb c1 title 'alignment, fresh head', \
     align_pre using 'step':(column('z_norm_mean') - column('z_norm_std')):(column('z_norm_mean') + column('z_norm_std')) axes x1y2 with filledcurves lc rgb c2 notitle, \
     align_pre using 'step':'z_norm_mean' axes x1y2 with lines lw 1.5 lc rgb c2 title 'norm, pre-trained head', \
     align_fresh using 'step':(column('z_norm_mean') - column('z_norm_std')):(column('z_norm_mean') + column('z_norm_std')) axes x1y2 with filledcurves lc rgb c2 notitle, \
     align_fresh using 'step':'z_norm_mean' axes x1y2 with lines lw 1.5 dt 2 lc rgb c2 title 'norm, fresh head'
unset multiplot
