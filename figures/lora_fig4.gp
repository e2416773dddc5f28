# Xu et al. (AISTATS 2025) Figure 4: as Figure 3 with dY on the bottom singular
# pair of Ypre; drawn from the gradient flow (lora_gf solver=rk8pd), 30 seeds.
exp = 'lora_fig4'
rows = 'c-1.05_t_end-12 c-2_t_end-20 c-10_t_end-3'
dwname = '1/1.05^2 1/4 1/100'
xloss = '120000 200000 30000'
xalign = '70000 50000 10000'
solvername = 'flow, rk8pd'
load 'figures/lora_grid.gp'
