#!/usr/bin/python3
"""Issue 29's rounds on the unseen digits (configs/mnist-unseen-digits-split.json), re-runnable.

A NumPy copy of `tiae eval`'s transform k-means (native/evaluate/transform_kmeans.h: the same
grid of turns, scales, slants, stretches and stroke widths, the ink's gain, 20 iterations;
its restarts begin from scikit-learn's k-means at random_state 7000 + r instead of the card's
k-means), and the candidate readings each round tried, on the .npy files of
`tiae eval models/mnist-shift-tiae --unseen-digits --write-descriptors --seed S -o DIR` (or
--fresh-digits, the fifth round's):

  base DIR [--restarts N]      the copy itself, the restart of lowest objective kept
  merge DIR                    20 clusters merged into 10 by linkage of the prototypes' distances
  with DIR OTHER               (c) prototypes fitted with OTHER's canonical images beside DIR's
  graph DIR OTHER              (d) spectral, (e) UMAP readings, alone and with OTHER beside

OTHER is the folder of the same command with --tuning-digits instead of --unseen-digits. The
NMI is always taken on DIR's digits only. Needs Debian's python3-sklearn, python3-scipy and,
for graph, umap-learn; a restart takes about 35 s on 2 cores.
"""
import argparse
import itertools
import sys

import numpy as np
import scipy.sparse as sp
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse.linalg import eigsh
from scipy.spatial.distance import squareform
from sklearn.cluster import KMeans
from sklearn.metrics import normalized_mutual_info_score as nmi
from sklearn.neighbors import NearestNeighbors

S = 32


def warp_matrix(A):
    """out(q) = in(c + A^-1 (q - c)), bilinear, zeros outside, as a sparse [S*S, S*S] matrix."""
    c = (S - 1) / 2
    ys, xs = np.mgrid[0:S, 0:S]
    sx, sy = np.linalg.inv(A) @ np.stack([xs.ravel() - c, ys.ravel() - c]) + c
    x0, y0 = np.floor(sx).astype(int), np.floor(sy).astype(int)
    rows, cols, vals = [], [], []
    for dx, dy in itertools.product((0, 1), (0, 1)):
        xi, yi = x0 + dx, y0 + dy
        w = (1 - np.abs(sx - xi)) * (1 - np.abs(sy - yi))
        ok = (xi >= 0) & (xi < S) & (yi >= 0) & (yi < S) & (w > 0)
        rows.append(np.nonzero(ok)[0]), cols.append((yi * S + xi)[ok]), vals.append(w[ok])
    return sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(S * S, S * S))


def grid_maps():
    """rotation . slant . stretch, scaled: transform_kmeans.h's default grid (its turns are
    symmetric, so turning the other way, as here, gives the same maps in another order)."""
    maps = []
    for a, s, sl, asp in itertools.product((-30, -15, 0, 15, 30), (0.85, 1, 1.15), (-0.4, -0.2, 0, 0.2, 0.4), (0.85, 1, 1.15)):
        r = np.deg2rad(a)
        maps.append(s * np.array([[np.cos(r), np.sin(r)], [-np.sin(r), np.cos(r)]]) @ np.array([[1, sl], [0, 1]]) @ np.diag([asp, 1 / asp]))
    return np.array(maps)


def stroke(img, step):
    """2 x 2 grey dilation (step 1, upper-left neighbours) or erosion (step -1, lower-right)."""
    if step == 0:
        return img
    p = img.reshape(-1, S, S)
    q = np.pad(p, ((0, 0), (1, 0), (1, 0)) if step > 0 else ((0, 0), (0, 1), (0, 1)))
    parts = [q[:, 1:, 1:], q[:, :-1, 1:], q[:, 1:, :-1], q[:, :-1, :-1]]
    return (np.maximum.reduce(parts) if step > 0 else np.minimum.reduce(parts)).reshape(img.shape)


class TransformKmeans:
    def __init__(self):
        maps = grid_maps()
        self.warps = [warp_matrix(A) for A in maps]
        self.backs = [warp_matrix(np.linalg.inv(A)) for A in maps]

    def templates(self, prototype):
        return np.stack([W @ stroke(prototype, s) for s in (-1, 0, 1) for W in self.warps])

    def assign(self, X, P):
        xx = (X * X).sum(1)
        best, proto, tmap = np.full(len(X), np.inf), np.zeros(len(X), int), np.zeros(len(X), int)
        for k, p in enumerate(P):
            t = self.templates(p)
            d = xx[:, None] - np.maximum(X @ t.T, 0) ** 2 / np.maximum((t * t).sum(1), 1e-12)[None]
            i = d.argmin(1)
            dm = d[np.arange(len(X)), i]
            better = dm < best
            best[better], proto[better], tmap[better] = dm[better], k, i[better] % len(self.warps)
        return proto, tmap, best

    def fit(self, X, k, start, iterations=20):
        P = np.stack([X[start == c].mean(0) for c in range(k)])
        proto, tmap, best = self.assign(X, P)
        for _ in range(1, iterations):
            back = np.stack([self.backs[m] @ x for m, x in zip(tmap, X)])
            for c in range(k):
                if (proto == c).any():
                    P[c] = back[proto == c].mean(0)
            p2, m2, b2 = self.assign(X, P)
            settled = (p2 == proto).all() and (m2 == tmap).all()
            proto, tmap, best = p2, m2, b2
            if settled:
                break
        return proto, P, best.sum()

    def lowest(self, X, k, restarts, label=None):
        """The restart of lowest objective: (objective, clusters, prototypes); each printed."""
        runs = []
        for r in range(restarts):
            start = KMeans(k, n_init=1, random_state=7000 + r).fit_predict(X)
            clusters, P, objective = self.fit(X, k, start)
            runs.append((objective, clusters, P))
            if label is not None:
                print(f"  restart {r}: objective {objective:.1f}, NMI {nmi(label, clusters[:len(label)]):.3f}", flush=True)
        return min(runs, key=lambda run: run[0])


def load(folder):
    return np.load(f"{folder}/canonical-mnist-shift-tiae.npy").astype(np.float64), np.load(f"{folder}/labels.npy")


def merged(tk, P, clusters, into=10):
    """Prototypes merged by linkage of their transform-invariant distances (the best template's share of the ink left)."""
    k = len(P)
    D = np.zeros((k, k))
    for i in range(k):
        t = tk.templates(P[i])
        tt = (t * t).sum(1)
        for j in range(k):
            D[i, j] = 1 - np.max(np.maximum(t @ P[j], 0) ** 2 / tt) / (P[j] * P[j]).sum()
    D = np.minimum(D, D.T)
    np.fill_diagonal(D, 0)
    return {method: (fcluster(linkage(squareform(D, checks=False), method), into, "maxclust") - 1)[clusters]
            for method in ("average", "complete", "single")}


def spectral(X, seed, k=10, neighbours=10):
    """`tiae eval`'s spectral reading: symmetric 10-neighbour graph, Ng-Jordan-Weiss rows, the card's k-means."""
    n = len(X)
    near = NearestNeighbors(n_neighbors=neighbours + 1).fit(X).kneighbors(X, return_distance=False)[:, 1:]
    W = sp.csr_matrix((np.ones(n * neighbours), (np.repeat(np.arange(n), neighbours), near.ravel())), shape=(n, n))
    W = ((W + W.T) > 0).astype(float)
    d = sp.diags(np.asarray(W.sum(1)).ravel() ** -0.5)
    rows = eigsh(d @ W @ d, k=k, which="LA")[1]
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    return KMeans(k, init="k-means++", n_init=5, random_state=seed).fit_predict(rows)


def umap_reading(X, seed):
    import umap  # Debian's umap-learn, as scripts/umap_clusters.py
    embedding = umap.UMAP(n_components=10, n_neighbors=20, min_dist=0.0, metric="euclidean", random_state=seed).fit_transform(X)
    return KMeans(10, init="k-means++", n_init=5, random_state=seed).fit_predict(embedding)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("round", choices=["base", "merge", "with", "graph"])
    parser.add_argument("dir", help="tiae eval ... --unseen-digits --write-descriptors -o DIR")
    parser.add_argument("other", nargs="?", help="the same with --tuning-digits (with, graph)")
    parser.add_argument("--restarts", type=int, default=4)
    parser.add_argument("--seed", type=int, default=7, help="the protocol's seed (graph's k-means and UMAP)")
    args = parser.parse_args()
    if args.round in ("with", "graph") and not args.other:
        sys.exit(f"cluster_rounds: {args.round} needs OTHER, the folder of the tuning digits' arrays")
    X, y = load(args.dir)
    n = len(X)
    if args.round == "graph":
        both = np.concatenate([X, load(args.other)[0]])
        print(f"spectral: alone {nmi(y, spectral(X, args.seed)):.3f}, with the other digits {nmi(y, spectral(both, args.seed)[:n]):.3f}")
        print(f"UMAP: alone {nmi(y, umap_reading(X, args.seed)):.3f}, with the other digits {nmi(y, umap_reading(both, args.seed)[:n]):.3f}")
        return
    tk = TransformKmeans()
    if args.round == "with":
        X = np.concatenate([X, load(args.other)[0]])
    k = 20 if args.round == "merge" else 10
    _, clusters, P = tk.lowest(X, k, args.restarts, y)
    print(f"{k} clusters, {args.restarts} restarts, the lowest objective: NMI {nmi(y, clusters[:n]):.3f}")
    if args.round == "merge":
        for method, into in merged(tk, P, clusters).items():
            print(f"merged into 10 by {method} linkage: NMI {nmi(y, into):.3f}")


if __name__ == "__main__":
    main()
