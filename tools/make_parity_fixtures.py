#!/usr/bin/python3
"""Generate PyTorch reference fixtures for the DeepCnn C# parity tests.

Output: tests/DeepCnn.Core.Tests/Fixtures/parity.json (relative to the repo root;
the path is resolved from this script's location, so it can be run from anywhere).

How to run (needs Debian's torch: `apt-get install -y python3-torch python3-numpy`;
use the system interpreter /usr/bin/python3, not a pyenv/venv python without torch):

    /usr/bin/python3 tools/make_parity_fixtures.py

The output is deterministic for a given torch build (torch.manual_seed(1234)).

What it generates (one JSON object, one entry per case, plus "meta"):
  conv_same_s1   Conv2D x[2,3,6,7] w[4,3,3,3] b[4], stride 1, pad 1: y, dy, dx, dw, db
  conv_valid_s2  Conv2D x[2,2,7,7] w[3,2,3,3] b[3], stride 2, pad 0: y, dy, dx, dw, db
  conv_relu      as conv_same_s1 but y = relu(conv(x)):              y, dy, dx, dw, db
  maxpool        MaxPool 2x2 stride 2 (valid/floor) on x[2,3,7,7] (no ties): y, dy, dx
  dense          x[4,5] w[5,3] (Keras [in,out]) b[3]: y, dy, dx, dw, db
  flatten        x[2,3,2,2] -> y[2,12] in Keras channels-last order
  batchnorm      training-mode BN on x[4,3,5,5]: y, dy, dx, dgamma, dbeta,
                 moving_mean / moving_var after one training forward
  softmax_ce     logits[4,10], one-hot labels[4,10]: loss, dlogits
  adam_trace     three Keras-Adam steps on w0[5] with grads g1..g3: w1, w2, w3, m3, v3
  small_net      conv-bn-conv-pool-flatten-dense-dense net trained 10 Keras-Adam steps:
                 initial params, x, y (one-hot), losses, grads0 (step-1 grads, *_grad),
                 *_final params, bn_moving_mean_final, bn_moving_var_final, inference_probs

JSON format: {"<case>": {"<tensor>": {"shape": [...], "data": [flat row-major]},
                         "<scalar>": number-or-list, ...}, "meta": {...}}
Numbers are Python float reprs of float64 values (round-trip exact).

Conventions (must match the C# library exactly):
  * Tensors NCHW, float32, row-major. Conv kernel [Cout, Cin, kh, kw], bias [Cout];
    conv is cross-correlation (same as torch).
  * Dense kernel stored [in, out] (Keras layout = torch Linear weight transposed),
    bias [out]; y = x @ W + b.
  * Flatten is Keras channels-last: flat = x.permute(0,2,3,1).reshape(N,-1),
    i.e. index (h*W + w)*C + c.
  * MaxPool2D pool 2, stride 2, valid (floor).
  * BatchNormalization (Keras): per-channel stats over (N,H,W) in training; output
    uses the biased batch variance; eps = 1e-3; moving = moving*0.99 + stat*0.01 where
    the variance fed to the moving variance is the UNBIASED one (x m/(m-1), m=N*H*W).
    This equals torch BatchNorm2d(momentum=0.01, eps=1e-3) running statistics.
    Defaults gamma 1, beta 0, moving mean 0, moving var 1.
  * Loss: softmax cross-entropy from logits with one-hot labels, MEAN over the batch.
  * Adam as Keras (not torch.optim.Adam): lr 1e-3, b1 0.9, b2 0.999, eps 1e-7, t from 1:
    lr_t = lr*sqrt(1-b2^t)/(1-b1^t); m += (g-m)*(1-b1); v += (g*g-v)*(1-b2);
    w -= lr_t*m/(sqrt(v)+eps); m, v start at zero. Implemented by hand below.
  * Gradients are of sum(y*dy) for a random-normal upstream gradient dy.
  * All inputs/weights/dy are generated as float32 (so the C# float32 values are
    exactly equal) and cast to float64; all computation is float64.
  * Random inputs uniform [-1,1) unless noted, weights uniform [-0.5,0.5),
    dy standard normal.
"""

import json
import math
import os

import torch
import torch.nn.functional as F

SEED = 1234
DT = torch.float64

LR, B1, B2, ADAM_EPS = 1e-3, 0.9, 0.999, 1e-7
BN_EPS, BN_MOMENTUM_KERAS = 1e-3, 0.99
BN_MOMENTUM_TORCH = 1.0 - BN_MOMENTUM_KERAS  # 0.01


# ---------------------------------------------------------------- helpers
def f32(t):
    """Round to float32 then promote to float64 (exactly representable in float32)."""
    return t.to(torch.float32).to(DT)


def uni(shape, lo, hi):
    r = torch.rand(*shape, dtype=torch.float32)
    return f32(r * (hi - lo) + lo)


def inp(*shape):
    return uni(shape, -1.0, 1.0)


def wts(*shape):
    return uni(shape, -0.5, 0.5)


def normal(*shape):
    return f32(torch.randn(*shape, dtype=torch.float32))


def glorot(shape, fan_in, fan_out):
    lim = math.sqrt(6.0 / (fan_in + fan_out))
    return uni(shape, -lim, lim)


def T(t):
    t = t.detach().to(DT)
    return {"shape": list(t.shape), "data": [float(v) for v in t.reshape(-1).tolist()]}


def leaf(t):
    return t.clone().requires_grad_(True)


def keras_flatten(x):
    return x.permute(0, 2, 3, 1).reshape(x.shape[0], -1)


def one_hot(idx, k):
    return F.one_hot(idx, k).to(DT)


def ce_mean(logits, onehot):
    return -(onehot * F.log_softmax(logits, dim=1)).sum(dim=1).mean()


class KerasAdam:
    def __init__(self, params):
        self.params = params
        self.m = [torch.zeros_like(p) for p in params]
        self.v = [torch.zeros_like(p) for p in params]
        self.t = 0

    @torch.no_grad()
    def step(self, grads):
        self.t += 1
        lr_t = LR * math.sqrt(1.0 - B2 ** self.t) / (1.0 - B1 ** self.t)
        for p, g, m, v in zip(self.params, grads, self.m, self.v):
            m.add_((g - m) * (1.0 - B1))
            v.add_((g * g - v) * (1.0 - B2))
            p.sub_(lr_t * m / (v.sqrt() + ADAM_EPS))


# ---------------------------------------------------------------- cases
def conv_case(xs, ws, stride, padding, relu):
    x, w, b = leaf(inp(*xs)), leaf(wts(*ws)), leaf(wts(ws[0]))
    y = F.conv2d(x, w, b, stride=stride, padding=padding)
    if relu:
        y = F.relu(y)
    dy = normal(*y.shape)
    (y * dy).sum().backward()
    return {"x": T(x), "w": T(w), "b": T(b), "stride": stride, "padding": padding,
            "y": T(y), "dy": T(dy), "dx": T(x.grad), "dw": T(w.grad), "db": T(b.grad)}


def maxpool_case():
    shape = (2, 3, 7, 7)
    n = 2 * 3 * 7 * 7
    perm = torch.randperm(n).to(torch.float32)
    x = leaf(f32(((perm + 0.5) / n * 2.0 - 1.0).reshape(shape)))  # distinct values in (-1,1)
    y = F.max_pool2d(x, kernel_size=2, stride=2)
    dy = normal(*y.shape)
    (y * dy).sum().backward()
    return {"x": T(x), "y": T(y), "dy": T(dy), "dx": T(x.grad)}


def dense_case():
    x, w, b = leaf(inp(4, 5)), leaf(wts(5, 3)), leaf(wts(3))
    y = x @ w + b
    dy = normal(*y.shape)
    (y * dy).sum().backward()
    return {"x": T(x), "w": T(w), "b": T(b), "y": T(y), "dy": T(dy),
            "dx": T(x.grad), "dw": T(w.grad), "db": T(b.grad)}


def flatten_case():
    x = inp(2, 3, 2, 2)
    return {"x": T(x), "y": T(keras_flatten(x))}


def batchnorm_case():
    x = leaf(inp(4, 3, 5, 5))
    gamma = leaf(uni((3,), 0.5, 1.5))
    beta = leaf(wts(3))
    mm0 = torch.zeros(3, dtype=DT)
    mv0 = torch.ones(3, dtype=DT)
    mm, mv = mm0.clone(), mv0.clone()
    y = F.batch_norm(x, mm, mv, gamma, beta, training=True,
                     momentum=BN_MOMENTUM_TORCH, eps=BN_EPS)
    dy = normal(*y.shape)
    (y * dy).sum().backward()
    return {"x": T(x), "gamma": T(gamma), "beta": T(beta),
            "moving_mean0": T(mm0), "moving_var0": T(mv0),
            "eps": BN_EPS, "momentum": BN_MOMENTUM_KERAS,
            "y": T(y), "dy": T(dy), "dx": T(x.grad), "dgamma": T(gamma.grad),
            "dbeta": T(beta.grad), "moving_mean": T(mm), "moving_var": T(mv)}


def softmax_ce_case():
    logits = leaf(f32(inp(4, 10) * 3.0))
    idx = torch.randint(0, 10, (4,))
    labels = one_hot(idx, 10)
    loss = ce_mean(logits, labels)
    ref = F.cross_entropy(logits, idx)  # sanity: identical definition
    assert abs(loss.item() - ref.item()) < 1e-12
    loss.backward()
    return {"logits": T(logits), "labels": T(labels), "loss": loss.item(),
            "dlogits": T(logits.grad)}


def adam_case():
    w = wts(5)
    gs = [normal(5) for _ in range(3)]
    out = {"w0": T(w), "lr": LR, "beta1": B1, "beta2": B2, "epsilon": ADAM_EPS}
    for i, g in enumerate(gs, 1):
        out["g%d" % i] = T(g)
    p = w.clone()
    opt = KerasAdam([p])
    for i, g in enumerate(gs, 1):
        opt.step([g])
        out["w%d" % i] = T(p)
    out["m3"] = T(opt.m[0])
    out["v3"] = T(opt.v[0])
    return out


def small_net_case():
    N, K = 8, 10
    x = f32(torch.rand(N, 1, 12, 12, dtype=torch.float32))  # uniform [0,1)
    idx = torch.randint(0, K, (N,))
    yoh = one_hot(idx, K)

    params = {
        "conv1_w": glorot((4, 1, 3, 3), 1 * 9, 4 * 9),
        "conv1_b": torch.zeros(4, dtype=DT),
        "bn_gamma": torch.ones(4, dtype=DT),
        "bn_beta": torch.zeros(4, dtype=DT),
        "conv2_w": glorot((4, 4, 3, 3), 4 * 9, 4 * 9),
        "conv2_b": torch.zeros(4, dtype=DT),
        "dense1_w": glorot((100, 16), 100, 16),
        "dense1_b": torch.zeros(16, dtype=DT),
        "dense2_w": glorot((16, 10), 16, 10),
        "dense2_b": torch.zeros(10, dtype=DT),
    }
    names = list(params)
    out = {"x": T(x), "y": T(yoh), "steps": 10}
    for n in names:
        out[n] = T(params[n])
    out["bn_moving_mean"] = T(torch.zeros(4, dtype=DT))
    out["bn_moving_var"] = T(torch.ones(4, dtype=DT))

    P = {n: leaf(t) for n, t in params.items()}
    rm = torch.zeros(4, dtype=DT)
    rv = torch.ones(4, dtype=DT)

    def forward(training):
        h = F.relu(F.conv2d(x, P["conv1_w"], P["conv1_b"]))                # [8,4,10,10]
        h = F.batch_norm(h, rm, rv, P["bn_gamma"], P["bn_beta"], training=training,
                         momentum=BN_MOMENTUM_TORCH, eps=BN_EPS)
        h = F.relu(F.conv2d(h, P["conv2_w"], P["conv2_b"], padding=1))     # [8,4,10,10]
        h = F.max_pool2d(h, 2, 2)                                          # [8,4,5,5]
        h = keras_flatten(h)                                               # [8,100]
        h = F.relu(h @ P["dense1_w"] + P["dense1_b"])                      # [8,16]
        return h @ P["dense2_w"] + P["dense2_b"]                           # [8,10]

    opt = KerasAdam([P[n] for n in names])
    losses = []
    for step in range(10):
        for p in P.values():
            p.grad = None
        loss = ce_mean(forward(True), yoh)
        losses.append(loss.item())
        loss.backward()
        grads = [P[n].grad.detach().clone() for n in names]
        if step == 0:
            out["grads0"] = {n + "_grad": T(g) for n, g in zip(names, grads)}
        opt.step(grads)

    out["losses"] = losses
    for n in names:
        out[n + "_final"] = T(P[n])
    out["bn_moving_mean_final"] = T(rm)
    out["bn_moving_var_final"] = T(rv)
    with torch.no_grad():
        out["inference_probs"] = T(F.softmax(forward(False), dim=1))
    return out


def main():
    torch.manual_seed(SEED)
    fixtures = {}
    fixtures["conv_same_s1"] = conv_case((2, 3, 6, 7), (4, 3, 3, 3), 1, 1, relu=False)
    fixtures["conv_valid_s2"] = conv_case((2, 2, 7, 7), (3, 2, 3, 3), 2, 0, relu=False)
    fixtures["conv_relu"] = conv_case((2, 3, 6, 7), (4, 3, 3, 3), 1, 1, relu=True)
    fixtures["maxpool"] = maxpool_case()
    fixtures["dense"] = dense_case()
    fixtures["flatten"] = flatten_case()
    fixtures["batchnorm"] = batchnorm_case()
    fixtures["softmax_ce"] = softmax_ce_case()
    fixtures["adam_trace"] = adam_case()
    fixtures["small_net"] = small_net_case()
    fixtures["meta"] = {"torch_version": torch.__version__, "seed": SEED,
                        "generator": "tools/make_parity_fixtures.py", "dtype": "float64"}

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    path = os.path.join(root, "tests", "DeepCnn.Core.Tests", "Fixtures", "parity.json")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(fixtures, f, separators=(",", ":"))
        f.write("\n")
    print("wrote %s (%d bytes)" % (path, os.path.getsize(path)))


if __name__ == "__main__":
    main()
