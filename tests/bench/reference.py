"""The NumPy/SciPy programs a user would write instead of lindyn for the bench
workloads: plain vectorised loops in the cheapest product order, and
scipy.integrate.solve_ivp for the flow.  Each starts from the arrays lindyn
saved (.npy), so both sides follow the same trajectory, and returns what it
logged so the driver can check that the two agree.  BLAS is single-threaded
(the driver sets OPENBLAS_NUM_THREADS=1 before NumPy is imported)."""

import numpy as np
from scipy.integrate import solve_ivp


def gd2(X, Y, W1, W2, eta, steps, log_steps):
    """GD on L = 1/2 ||Y - X W1 W2||^2; the loss at each step of log_steps."""
    W1, W2 = W1.copy(), W2.copy()
    logged, want = {}, set(log_steps)
    for t in range(steps + 1):
        R = X @ (W1 @ W2) - Y
        if t in want:
            logged[t] = 0.5 * np.vdot(R, R)
        if t == steps:
            break
        G = X.T @ R                       # d x m
        gW1, gW2 = G @ W2.T, W1.T @ G
        W1 -= eta * gW1
        W2 -= eta * gW2
    return logged


def lora_gd(W1, W2, dY, A1, B1, A2, B2, eta, steps, log_steps):
    """GD on the LoRA loss 1/2 ||dY - F||^2, F = (W2 + B2 A2)(W1 + B1 A1) - W2 W1
    (Xu et al. 2025, eq. 2); the loss at each step of log_steps."""
    A1, B1, A2, B2 = A1.copy(), B1.copy(), A2.copy(), B2.copy()
    target = W2 @ W1 + dY
    logged, want = {}, set(log_steps)
    for t in range(steps + 1):
        P = W2 + B2 @ A2
        Q = W1 + B1 @ A1
        R = P @ Q - target
        if t in want:
            logged[t] = 0.5 * np.vdot(R, R)
        if t == steps:
            break
        PtR, RQt = P.T @ R, R @ Q.T
        gA1, gB1 = B1.T @ PtR, PtR @ A1.T
        gA2, gB2 = B2.T @ RQt, RQt @ A2.T
        A1 -= eta * gA1
        B1 -= eta * gB1
        A2 -= eta * gA2
        B2 -= eta * gB2
    return logged


def flow(X, Y, W1, W2, t_end, times, method, rtol, atol):
    """Gradient flow of L = 1/2 ||Y - X W1 W2||^2 on the full (W1, W2);
    the loss at `times` and the number of right-hand-side evaluations."""
    d, h = W1.shape
    m = W2.shape[1]

    def rhs(t, w):
        V1 = w[:d * h].reshape(d, h)
        V2 = w[d * h:].reshape(h, m)
        G = X.T @ (Y - X @ (V1 @ V2))     # -dL/d(W1 W2)
        return np.concatenate(((G @ V2.T).ravel(), (V1.T @ G).ravel()))

    w0 = np.concatenate((W1.ravel(), W2.ravel()))
    sol = solve_ivp(rhs, (0.0, t_end), w0, method=method, t_eval=times, rtol=rtol,
                    atol=atol)
    if not sol.success:
        raise RuntimeError(f"solve_ivp {method}: {sol.message}")
    losses = []
    for w in sol.y.T:
        R = Y - X @ (w[:d * h].reshape(d, h) @ w[d * h:].reshape(h, m))
        losses.append(0.5 * np.vdot(R, R))
    return dict(zip(times, losses)), sol.nfev


def flow_gd(X, Y, W1, W2, dt, steps, log_steps):
    """The papers' small-step GD on the same flow: W <- W - dt grad L."""
    return gd2(X, Y, W1, W2, dt, steps, log_steps)


def eos_product_numpy(x, y, eta, steps, log_steps):
    """GD on the depth-d product 1/2 (x_1 ... x_d - y)^2 with a constant step,
    x a NumPy vector (the loop as written for any depth); the loss at each
    step of log_steps (increasing)."""
    x = np.array(x, dtype=float)
    logged, t = {}, 0
    for stop in log_steps:
        for _ in range(stop - t):
            g = np.prod(x)
            x = x - eta * (g - y) * g / x
        t = stop
        logged[t] = 0.5 * (np.prod(x) - y) ** 2
    return logged


def eos_product(u, v, y, eta, steps, log_steps):
    """The same for depth 2 in plain Python floats, the fastest loop Python
    offers for two scalars."""
    logged, t = {}, 0
    for stop in log_steps:
        for _ in range(stop - t):
            r = u * v - y
            u, v = u - eta * r * v, v - eta * r * u
        t = stop
        logged[t] = 0.5 * (u * v - y) ** 2
    return logged
