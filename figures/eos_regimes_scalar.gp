# The three regimes on the scalar factorization 1/2 (uv - 1)^2 (paper/eos.md, eos_scalar).
exp = 'eos_scalar'
pts = '0.95 1 1.05'
lab = 'η=0.95 η=1.00 η=1.05'
etas = '0.95 1 1.05'
lstar = 2.0
bcol = 16
blabel = 'balance |u^2 - v^2|'
load 'figures/eos_regimes.gp'
