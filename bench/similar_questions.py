"""Measure how well each method finds the question a new one duplicates.

Builds a generated evaluation set: questions made from a subject and a
context ("How do I invert a matrix in numpy?"), and for each one a paraphrased
duplicate that says the same with other words and another opening ("Any tips
on how to compute the inverse of a matrix using NumPy?"). Questions that share
a subject or a context make the near misses. The originals are indexed in a
fresh SQLite database; each duplicate is then asked as a new question and the
rank of its original among the suggestions is recorded. Prints recall@5 (the
original is among the five suggestions the composer shows) and MRR (mean of
1/rank, 0 when not in the top 20) for each method:

- bm25: FTS5 bm25() over any of the draft's topic words (the default);
- tf-idf: cosine similarity of TF-IDF vectors, computed in this script;
- semantic: sentence embeddings, when the [ai] extra is installed.

    .venv/bin/python bench/similar_questions.py [--seed 3]
"""

from __future__ import annotations

import argparse
import math
import os
import random
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
TOP = 20

# (as the original says it, ways a duplicate says it)
SUBJECTS = [
    ("invert a matrix", ["compute the inverse of a matrix", "get a matrix's inverse"]),
    ("choose the learning rate", ["pick a good step size", "set the step size"]),
    ("avoid overfitting", ["stop my model memorising the training data"]),
    ("normalise the features", ["scale my input variables", "standardise inputs"]),
    ("handle missing values", ["deal with NaNs in the data", "fill in gaps in data"]),
    ("read a CSV file", ["load a comma-separated file", "import a csv"]),
    ("plot a histogram", ["draw a frequency chart", "make a histogram chart"]),
    ("split data into training and test sets", ["make a train/test split"]),
    ("interpret a p-value", ["understand what the p value means"]),
    ("compute a confidence interval", ["calculate an interval estimate"]),
    ("cite a paper", ["reference an article", "add a citation for a paper"]),
    ("write the methodology section", ["structure the methods chapter"]),
    ("tune hyperparameters", ["search for the best settings of the model"]),
    ("speed up a loop", ["make my for loop faster", "vectorise a slow loop"]),
    ("fix a shape mismatch error", ["solve dimensions not matching error"]),
    ("debug exploding gradients", ["stop gradients blowing up"]),
    ("pick the number of clusters", ["choose k for k-means"]),
    ("reduce dimensions", ["lower the number of features", "compress features"]),
    ("encode categorical variables", ["turn categories into numbers"]),
    ("measure correlation", ["quantify how two variables move together"]),
    ("set a random seed", ["make results reproducible", "fix the randomness"]),
    ("save a trained model", ["store my fitted model to disk"]),
    ("balance an imbalanced dataset", ["deal with skewed class counts"]),
    ("compare two means", ["test whether two averages differ"]),
    ("choose a sample size", ["decide how many participants I need"]),
]
CONTEXTS = [
    ("in numpy", ["with NumPy", "using numpy"]),
    ("in pandas", ["with a pandas DataFrame", "using pandas"]),
    ("for the coursework", ["for the assignment", "for our project"]),
    ("for my thesis", ["for my dissertation", "in my final project"]),
    ("in scikit-learn", ["with sklearn", "using scikit learn"]),
    ("in R", ["with R", "using R"]),
    ("for a neural network", ["for a deep learning model", "for my neural net"]),
    ("for a survey study", ["for questionnaire data", "for my survey"]),
]
OPENINGS = [
    "Any tips on how to",
    "What's the best way to",
    "Can someone explain how to",
    "Struggling to",
    "Quick question: how should I",
]
BODY = "I read the lecture notes and tried a few things but I am still stuck."
WORD = re.compile(r"\w+")


def build(rng: random.Random) -> tuple[list[str], list[tuple[str, int]]]:
    """Return original titles and (duplicate title, index of its original)."""
    originals, duplicates = [], []
    for subject, subject_variants in SUBJECTS:
        for context, context_variants in CONTEXTS:
            originals.append(f"How do I {subject} {context}?")
            title = (
                f"{rng.choice(OPENINGS)} {rng.choice(subject_variants)} "
                f"{rng.choice(context_variants)}?"
            )
            duplicates.append((title, len(originals) - 1))
    return originals, duplicates


def tfidf_ranker(texts: list[str]):
    from studyhall.search.query import topic_words

    docs = [Counter(topic_words(t, 200)) for t in texts]
    df: Counter[str] = Counter()
    for doc in docs:
        df.update(doc.keys())
    n = len(docs)

    def vector(counts: Counter[str]) -> dict[str, float]:
        v = {
            w: (1 + math.log(c)) * math.log((n + 1) / (df[w] + 1))
            for w, c in counts.items()
        }
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        return {w: x / norm for w, x in v.items()}

    vectors = [vector(d) for d in docs]

    def rank(query: str) -> list[int]:
        q = vector(Counter(topic_words(query, 200)))
        scores = [
            (sum(q.get(w, 0.0) * x for w, x in v.items()), i)
            for i, v in enumerate(vectors)
        ]
        scores.sort(key=lambda s: (-s[0], s[1]))
        return [i for score, i in scores[:TOP] if score > 0]

    return rank


def evaluate(name: str, rank, duplicates: list[tuple[str, int]]) -> None:
    hits, reciprocal = 0, 0.0
    started = time.perf_counter()
    for title, original in duplicates:
        ranked = rank(title)
        if original in ranked[:5]:
            hits += 1
        if original in ranked:
            reciprocal += 1 / (ranked.index(original) + 1)
    elapsed = (time.perf_counter() - started) * 1000 / len(duplicates)
    print(
        f"  {name:<10} recall@5 {hits / len(duplicates):6.3f}   "
        f"MRR {reciprocal / len(duplicates):6.3f}   {elapsed:6.1f} ms/question"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    temp = Path(tempfile.mkdtemp(prefix="studyhall-similar-bench-"))
    os.environ.update(
        {
            "STUDYHALL_VAR_DIR": str(temp),
            "DATABASE_URL": f"sqlite:///{temp}/bench.db",
            "SECRET_KEY": "bench-not-secret",
            "DEBUG": "0",
            "DJANGO_SETTINGS_MODULE": "studyhall.settings",
        }
    )
    sys.path.insert(0, str(PROJECT_DIR / "src"))
    try:
        run(args)
    finally:
        shutil.rmtree(temp, ignore_errors=True)


def run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils.html import escape

    from studyhall.accounts.models import User
    from studyhall.communities.models import Community, Membership
    from studyhall.discussions.models import Post, Thread
    from studyhall.search import indexing, semantic
    from studyhall.search.selectors import similar_threads

    call_command("migrate", verbosity=0)
    originals, duplicates = build(random.Random(args.seed))
    community = Community.objects.create(name="Course", slug="course")
    asker = User.objects.create_user(
        email="a@example.org", handle="asker", display_name="Asker", password=None
    )
    Membership.objects.create(community=community, user=asker, role="student")
    threads = Thread.objects.bulk_create(
        Thread(community=community, author=asker, title=title) for title in originals
    )
    Post.objects.bulk_create(
        Post(
            thread=t,
            community=community,
            author=asker,
            number=1,
            body=BODY,
            body_html=f"<p>{escape(BODY)}</p>",
        )
        for t in threads
    )
    with_semantic = semantic.is_enabled()
    started = time.perf_counter()
    indexing.rebuild()
    print(
        f"{len(originals)} questions, {len(duplicates)} paraphrased duplicates; "
        f"indexed in {time.perf_counter() - started:.1f} s"
        + (" (with embeddings)" if with_semantic else "")
    )
    position = {t.pk: i for i, t in enumerate(threads)}
    viewer = User.objects.get(pk=asker.pk)

    def through_search(method: str):
        def rank(title: str) -> list[int]:
            hits = similar_threads(
                viewer, title=title, body=BODY, limit=TOP, method=method
            )
            return [position[h.object_id] for h in hits]

        return rank

    evaluate("bm25", through_search("lexical"), duplicates)
    evaluate("tf-idf", tfidf_ranker([f"{t}\n{BODY}" for t in originals]), duplicates)
    if with_semantic:
        evaluate("semantic", through_search("semantic"), duplicates)
    else:
        print("  semantic   not installed (pip install .[ai])")


if __name__ == "__main__":
    main()
