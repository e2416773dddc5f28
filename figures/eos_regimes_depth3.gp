# The three regimes on the depth-3 product 1/2 (x1 x2 x3 - 1)^2 (paper/eos.md, eos_depth3).
exp = 'eos_depth3'
pts = '0.98 1 1.03'
lab = '0.98η_c η_c 1.03η_c'
etas = '0.65333333333 0.66666666667 0.68666666667'
lstar = 3.0
bcol = 15
blabel = 'spread max x_i - min x_i'
load 'figures/eos_regimes.gp'
