"""Hand-made graphs shared by the HTML tests with and without a browser."""

from __future__ import annotations

import networkx as nx

from kg.graph import build_graph
from kg.link import Linker
from kg.records import Entity, Extraction, Mention, Paper, Relation
from kg.records import EntityType as T
from kg.records import RelationType as R

#: Markup that would run script if the page ever treated paper text as HTML.
SCRIPT_PAYLOAD = (
    '<script>window.__pwned=1</script> <img src=x onerror="window.__pwned=2">'
    ' "><svg onload="window.__pwned=3">'
)


def entity(name, etype, introduced=False):
    """An unlinked entity with one abstract mention."""
    return Entity(
        id="",
        name=name,
        type=etype,
        mentions=(Mention(name, "abstract", 0, len(name)),),
        aliases=(name,),
        introduced=introduced,
    )


def small_graph(payload: str = SCRIPT_PAYLOAD, title: str | None = None) -> nx.MultiDiGraph:
    """Two papers, seven entities, every relation type; paper 1 carries ``payload``."""
    exs = [
        Extraction(
            Paper("p1", title or "FooNet " + payload, "We propose FooNet. " + payload),
            (
                entity("FooNet", T.MODEL, True),
                entity("ImageNet", T.DATASET),
                entity("top-1 accuracy", T.METRIC),
                entity("ResNet-50", T.MODEL),
                entity("image classification", T.TASK),
            ),
            (
                Relation(R.PROPOSES, "PAPER", "FooNet", evidence="We propose FooNet."),
                Relation(R.EVALUATES_ON, "FooNet", "ImageNet", evidence="On ImageNet " + payload),
                Relation(R.OUTPERFORMS, "FooNet", "ResNet-50", evidence="FooNet beats ResNet-50."),
                Relation(R.USES_METRIC, "ImageNet", "top-1 accuracy", evidence="top-1 accuracy"),
            ),
        ),
        Extraction(
            Paper("p2", "BarNet beats ResNet-50", "BarNet with LoRA on GLUE."),
            (
                entity("BarNet", T.MODEL, True),
                entity("ResNet-50", T.MODEL),
                entity("LoRA", T.METHOD),
                entity("GLUE", T.BENCHMARK),
            ),
            (
                Relation(R.PROPOSES, "PAPER", "BarNet"),
                Relation(R.EVALUATES_ON, "BarNet", "GLUE", evidence="BarNet on GLUE."),
                Relation(R.OUTPERFORMS, "BarNet", "ResNet-50", evidence="BarNet wins."),
            ),
        ),
    ]
    return build_graph(Linker().link_all(exs))


_KINDS = (
    (T.MODEL, "Net", 6),
    (T.METHOD, "Tuning", 5),
    (T.DATASET, "Set", 5),
    (T.BENCHMARK, "Bench", 3),
    (T.TASK, "Task", 3),
)
_METRICS = ("accuracy", "F1", "BLEU", "mAP", "perplexity", "top-1 accuracy", "ROUGE-L", "AUC")


def synthetic_papers_graph(n_papers: int, seed: int = 5) -> nx.MultiDiGraph:
    """A graph shaped like real extractions of ``n_papers`` papers, with topics.

    Papers fall into topics (about one per 40 papers, Zipf-sized); each names
    a handful of its topic's models, methods, datasets, benchmarks and tasks
    (Zipf-popular), a shared metric and sometimes an entity of another topic;
    half of them propose a new model seen nowhere else. Relations: proposes,
    evaluates_on, uses_metric with a score (``value``, ``metric``) and
    outperforms. Built through the real linker and graph builder.
    """
    import random

    rng = random.Random(seed)
    n_topics = max(3, n_papers // 40)
    pools = {}
    for t in range(n_topics):
        pools[t] = {kind: [f"T{t}-{word}{i}" for i in range(size)] for kind, word, size in _KINDS}
    topic_w = [1.0 / (1 + t) ** 0.6 for t in range(n_topics)]
    exs = []
    for p in range(n_papers):
        topic = rng.choices(range(n_topics), topic_w)[0]
        pool = pools[topic]
        names: dict[str, T] = {}
        for kind, _, size in _KINDS:
            k = 1 if kind in (T.TASK, T.BENCHMARK) else 2
            for _ in range(k):
                i = min(int(rng.paretovariate(1.3)) - 1, size - 1)
                names[pool[kind][i]] = kind
        if rng.random() < 0.3:
            other = pools[rng.randrange(n_topics)]
            names[other[T.MODEL][0]] = T.MODEL
        metric = _METRICS[topic % len(_METRICS)] if rng.random() < 0.8 else "accuracy"
        names[metric] = T.METRIC
        new = f"NewNet-{p}" if rng.random() < 0.5 else None
        if new:
            names[new] = T.MODEL
        ents = tuple(entity(n, t, n == new) for n, t in sorted(names.items()))
        models = [n for n, t in sorted(names.items()) if t == T.MODEL and n != new]
        data = [n for n, t in sorted(names.items()) if t in (T.DATASET, T.BENCHMARK)]
        head = new or models[-1]
        score = f"{rng.uniform(40, 95):.1f}"
        sentence = f"{head} reaches {score} {metric} on {data[0]}, beating {models[0]}."
        rels = [
            Relation(R.EVALUATES_ON, head, data[0], evidence=sentence),
            Relation(R.USES_METRIC, head, metric, evidence=sentence, value=score, metric=metric),
            Relation(R.USES_METRIC, data[0], metric, evidence=sentence, value=score, metric=metric),
        ]
        if new:
            rels.insert(0, Relation(R.PROPOSES, "PAPER", new, evidence=f"We propose {new}."))
        if head != models[0]:
            rels.append(Relation(R.OUTPERFORMS, head, models[0], evidence=sentence))
        paper = Paper(f"syn{p:06d}", f"Synthetic study {p} of topic {topic}", sentence)
        exs.append(Extraction(paper, ents, tuple(rels)))
    return build_graph(Linker().link_all(exs))
