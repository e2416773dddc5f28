# Xu et al. (AISTATS 2025) Figure 4: as Figure 3 with dY on the bottom singular
# pair of Ypre; drawn from the gradient flow (lora_gf method=rk8pd), 30 seeds.
xalign = '70000 50000 10000'
solvername = 'flow, rk8pd'
load 'figures/lora_grid.gp'
