#!/usr/bin/python3
"""The N2D reading of an evaluation's descriptors (issue 29's clusters; docs/method.md, "Clusters").

N2D (McConville et al. 2020) clusters an auto-encoder's code on its local manifold: UMAP
to as many dimensions as classes, then a shallow clustering. Settings are N2D's for MNIST,
fixed before any score (configs/mnist-shift-umap-split.json): 20 neighbours, minimum
distance 0, Euclidean; then k-means as the card's (k = classes, k-means++, best of 5
restarts), UMAP and k-means seeded with the protocol's seed. Reads the .npy files of
`tiae eval ... --write-descriptors -o EVAL_DIR` and prints, per model, the NMI of the
descriptors and of the canonical images D(E(I)) as JSON. With --picture FILE.svg, also a
picture: each model's descriptors by a 2-D UMAP (the same settings), coloured by digit.

Needs Debian's umap-learn (apt-get install umap-learn); not part of the test command.
"""
import argparse
import json
import pathlib
import sys

try:
    import numpy as np
    import umap
    from sklearn.cluster import KMeans
    from sklearn.metrics import normalized_mutual_info_score
except ImportError as e:
    sys.exit(f"umap_clusters: needs Debian's umap-learn and python3-sklearn (apt-get install umap-learn): {e}")


def n2d_nmi(points, labels, seed):
    classes = len(np.unique(labels))
    embedding = umap.UMAP(n_components=classes, n_neighbors=20, min_dist=0.0, metric="euclidean",
                          random_state=seed).fit_transform(points)
    clusters = KMeans(classes, init="k-means++", n_init=5, random_state=seed).fit_predict(embedding)
    return float(normalized_mutual_info_score(labels, clusters))


# matplotlib's tab10, as the evaluation's scatter pictures (native/io/figures.cpp)
TAB10 = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]


def svg_panels(panels, labels, side=360, margin=28):
    """panels: [(title, n x 2 coordinates)] side by side, points coloured by label, a legend."""
    width, height = len(panels) * (side + margin) + 90, side + 2 * margin
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="13">',
           f'<rect width="{width}" height="{height}" fill="white"/>']
    for k, (title, xy) in enumerate(panels):
        left = margin // 2 + k * (side + margin)
        low, high = xy.min(axis=0), xy.max(axis=0)
        at = (xy - low) / np.maximum(high - low, 1e-9) * (side - 10) + 5
        out.append(f'<text x="{left}" y="18">{title}</text>')
        out.append(f'<rect x="{left}" y="{margin}" width="{side}" height="{side}" fill="none" stroke="#ccc"/>')
        for (x, y), c in zip(at, labels):
            out.append(f'<circle cx="{left + x:.1f}" cy="{margin + side - y:.1f}" r="1.6" fill="{TAB10[c % 10]}"/>')
    for d in range(min(10, int(labels.max()) + 1)):
        x, y = len(panels) * (side + margin) + 10, margin + 12 + 22 * d
        out.append(f'<circle cx="{x}" cy="{y}" r="5" fill="{TAB10[d]}"/><text x="{x + 10}" y="{y + 4}">digit {d}</text>')
    return "\n".join(out + ["</svg>\n"])


def picture(folder, labels, seed, path):
    panels = []
    for source in sorted(folder.glob("descriptors-*.npy")):
        name = source.name[len("descriptors-"):-len(".npy")]
        xy = umap.UMAP(n_components=2, n_neighbors=20, min_dist=0.0, random_state=seed).fit_transform(np.load(source))
        panels.append((f"{name}: descriptors by UMAP", xy))
    pathlib.Path(path).write_text(svg_panels(panels, labels))


def main():
    parser = argparse.ArgumentParser(description="N2D's reading (UMAP, then k-means) of `tiae eval --write-descriptors`' arrays")
    parser.add_argument("eval_dir", help="the folder of tiae eval RUN... --write-descriptors -o EVAL_DIR")
    parser.add_argument("--picture", metavar="FILE.svg", help="also each model's descriptors by a 2-D UMAP, coloured by digit")
    args = parser.parse_args()
    folder = pathlib.Path(args.eval_dir)
    for needed in ["metrics.json", "labels.npy"]:
        if not (folder / needed).is_file():
            sys.exit(f"umap_clusters: {folder} has no {needed}: give the folder of tiae eval RUN... --write-descriptors -o FOLDER")
    seed = json.loads((folder / "metrics.json").read_text())["protocol"]["seed"]
    labels = np.load(folder / "labels.npy")
    result = {"seed": seed, "settings": {"n_neighbors": 20, "min_dist": 0.0, "metric": "euclidean"}, "models": {}}
    for path in sorted(folder.glob("descriptors-*.npy")):
        name = path.name[len("descriptors-"):-len(".npy")]
        if not (folder / f"canonical-{name}.npy").is_file():
            sys.exit(f"umap_clusters: {folder} has descriptors-{name}.npy but no canonical-{name}.npy")
        result["models"][name] = {
            "umap_kmeans_nmi": n2d_nmi(np.load(path), labels, seed),
            "umap_kmeans_nmi_canonical": n2d_nmi(np.load(folder / f"canonical-{name}.npy"), labels, seed),
        }
        print(f"{name}: {result['models'][name]}", file=sys.stderr, flush=True)
    print(json.dumps(result, indent=2))
    if args.picture:
        picture(folder, labels, seed, args.picture)


if __name__ == "__main__":
    main()
