"""A comparison report as tables, plain JSON-ready data, JSON text and one standalone HTML page."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd

from embdash.dataio import exports
from embdash.tasks.compare import CompareReport


def summary_frame(report: CompareReport) -> pd.DataFrame:
    """One row per model: cost, clusters, agreement with the others and, with labels, the label scores."""
    rows = []
    for m in report.models:
        involved = [p.jaccard_mean for p in report.pairs if m.model_id in (p.model_a, p.model_b)]
        row = {
            "model": m.model_id,
            "dim": m.dim,
            "texts/s": round(m.docs_per_second, 1),
            "load s": None if m.load_seconds is None else round(m.load_seconds, 2),
            "size MB": None if m.size_mb is None else round(m.size_mb, 1),
            "vectors MB": round(m.vector_bytes / 1e6, 2),
            "clusters": m.n_clusters,
            "unclustered": round(m.noise_share, 3),
            f"mean Jaccard@{report.k} with the others": round(float(np.mean(involved)), 3),
            "map disparity to the first": round(m.procrustes_disparity, 3),
        }
        if m.labels is not None:
            row.update({
                "kNN accuracy": None if m.labels.knn_accuracy is None else round(m.labels.knn_accuracy, 3),
                "kNN ± (folds)": None if m.labels.knn_accuracy_std is None else round(m.labels.knn_accuracy_std, 3),
                "V-measure k-means": round(m.labels.v_measure_kmeans, 3),
                "k-means ± (seeds)": round(m.labels.v_measure_kmeans_std, 3),
                "V-measure HDBSCAN": None if m.labels.v_measure_hdbscan is None else round(m.labels.v_measure_hdbscan, 3),
                "HDBSCAN coverage": round(m.labels.hdbscan_coverage, 3),
            })
        rows.append(row)
    return pd.DataFrame(rows)


def pairs_frame(report: CompareReport) -> pd.DataFrame:
    """One row per pair of models: neighbour overlap, similarity correlation, clustering agreement."""
    return pd.DataFrame([
        {
            "model A": p.model_a,
            "model B": p.model_b,
            f"mean Jaccard@{p.k}": round(p.jaccard_mean, 3),
            f"median Jaccard@{p.k}": round(p.jaccard_median, 3),
            "chance Jaccard": round(p.jaccard_chance, 3),
            "Spearman of similarities": None if math.isnan(p.spearman) else round(p.spearman, 3),
            "pairs": p.n_pairs,
            "ARI": round(p.ari, 3),
            "NMI": round(p.nmi, 3),
            "unclustered A": round(p.noise_share_a, 3),
            "unclustered B": round(p.noise_share_b, 3),
        }
        for p in report.pairs
    ])


def report_dict(report: CompareReport) -> dict:
    """The report as plain JSON-ready data (arrays for drawing are left out; NaN becomes null)."""
    return _plain(report)


def report_json(report: CompareReport) -> str:
    return json.dumps(report_dict(report), ensure_ascii=False, indent=2, allow_nan=False)


def _plain(value):
    if hasattr(value, "__dataclass_fields__"):
        return {
            f.name: _plain(getattr(value, f.name))
            for f in value.__dataclass_fields__.values() if f.metadata.get("json", True)
        }
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if not math.isfinite(float(value)) else float(value)
    return value


def report_html(report: CompareReport, title: str) -> str:
    """The report as one standalone HTML page: recommendation, summary and agreement tables (all text escaped)."""
    return exports.html_report(
        title,
        [
            ("h2", "Recommendation"), *report.recommendation,
            ("h2", "Summary"), summary_frame(report),
            ("h2", "Agreement per pair of models"), pairs_frame(report),
        ],
    )
