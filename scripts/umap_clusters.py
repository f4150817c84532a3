#!/usr/bin/python3
"""The N2D reading of an evaluation's descriptors (issue 29's clusters; docs/method.md, "Clusters").

N2D (McConville et al. 2020) clusters an auto-encoder's code on its local manifold: UMAP
to as many dimensions as classes, then a shallow clustering. Settings are N2D's for MNIST,
fixed before any score (configs/mnist-shift-umap-split.json): 20 neighbours, minimum
distance 0, Euclidean; then k-means as the card's (k = classes, k-means++, best of 5
restarts), UMAP and k-means seeded with the protocol's seed. Reads the .npy files of
`tiae eval ... --write-descriptors -o EVAL_DIR` and prints, per model, the NMI of the
descriptors and of the canonical images D(E(I)) as JSON.

Needs Debian's umap-learn (apt-get install umap-learn); not part of the test command.
"""
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


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: scripts/umap_clusters.py EVAL_DIR   (from tiae eval RUN... --write-descriptors -o EVAL_DIR)")
    folder = pathlib.Path(sys.argv[1])
    if not (folder / "labels.npy").is_file():
        sys.exit(f"umap_clusters: {folder} has no labels.npy: run tiae eval with --write-descriptors")
    seed = json.loads((folder / "metrics.json").read_text())["protocol"]["seed"]
    labels = np.load(folder / "labels.npy")
    result = {"seed": seed, "settings": {"n_neighbors": 20, "min_dist": 0.0, "metric": "euclidean"}, "models": {}}
    for path in sorted(folder.glob("descriptors-*.npy")):
        name = path.name[len("descriptors-"):-len(".npy")]
        result["models"][name] = {
            "umap_kmeans_nmi": n2d_nmi(np.load(path), labels, seed),
            "umap_kmeans_nmi_canonical": n2d_nmi(np.load(folder / f"canonical-{name}.npy"), labels, seed),
        }
        print(f"{name}: {result['models'][name]}", file=sys.stderr, flush=True)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
