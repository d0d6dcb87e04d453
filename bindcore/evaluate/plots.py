"""PNG plots of the results (matplotlib's Agg canvas, imported only here and only when plotting)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

KS = (1, 5, 10)


def _figure(width: float, height: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(fig)  # a private canvas: no pyplot, no global backend switch
    return fig


def similarity_heatmap(results: dict[str, Any], path: Path) -> Path:
    """Heatmap of the mean cosine between the embeddings of the same item in two modalities."""
    names = list(results["similarity"])
    values = [[results["similarity"][a].get(b, float("nan")) for b in names] for a in names]
    fig = _figure(1.2 * len(names) + 2, 1.0 * len(names) + 1.5)
    ax = fig.add_subplot()
    im = ax.imshow(values, vmin=-1, vmax=1, cmap="RdBu_r")
    ax.set_xticks(range(len(names)), names, rotation=45, ha="right")
    ax.set_yticks(range(len(names)), names)
    for i, row in enumerate(values):
        for j, v in enumerate(row):
            ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=8, color="white" if abs(v) > 0.5 else "black")
    ax.set_title("mean cosine of paired items")
    fig.colorbar(im, ax=ax)
    fig.tight_layout()
    fig.savefig(path)
    return path


def recall_curves(results: dict[str, Any], path: Path) -> Path:
    """Recall@K (K = 1, 5, 10) per ordered (query, target) pair, one line each."""
    fig = _figure(7, 4.5)
    ax = fig.add_subplot()
    for q, targets in results["retrieval"].items():
        for t, m in targets.items():
            ax.plot(KS, [m[f"R@{k}"] for k in KS], marker="o", label=f"{q} -> {t}")
    ax.plot(KS, [min(1.0, k / max(1, results["items"])) for k in KS], "k--", lw=1, label="chance")
    ax.set_xticks(KS)
    ax.set_xlabel("K")
    ax.set_ylabel("recall@K")
    ax.set_ylim(0, 1.02)
    ax.set_title(f"retrieval, {results['items']} items ({results['split']})")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    fig.savefig(path)
    return path


def write_plots(results: dict[str, Any], out_dir: Path) -> list[Path]:
    """Writes similarity.png and recall_at_k.png (each only when its data is present)."""
    written = []
    if results.get("similarity"):
        written.append(similarity_heatmap(results, out_dir / "similarity.png"))
    if results.get("retrieval"):
        written.append(recall_curves(results, out_dir / "recall_at_k.png"))
    return written
