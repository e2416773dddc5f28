# Xu et al. (AISTATS 2025) Figure 3: dY on the top singular pair of Ypre, rows
# delta_w = 1/1.05^2, 1/4, 1/100 (c = 1.05, 2, 10); drawn from the gradient
# flow (lora_gf method=rk8pd), 30 seeds.  The horizons are the paper's axes.
xalign = '11000 6000 1250'
solvername = 'flow, rk8pd'
load 'figures/lora_grid.gp'
