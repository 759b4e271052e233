"""A Python workflow over the example's C++ tasks: one workflow, four images.

make_lr is a Python task on its own image; ml_train runs on the GPU image, the
ml_etl_* tasks on the Spark image and ml_stats_mean on the default image (see
flyte.yaml). A value (the learning rate) goes from the Python task to a C++
task, and a file (the vocabulary) from one C++ task to the next.

Locally, as flytekit runs make_lr in your own Python, each C++ task runs from
the executable the build made for its image, with no container engine:

  PYTHONPATH=build/example/ml_flyte pyflyte run examples/workflows.py pipeline --epochs 3

On a cluster (`pyflyte register`, `pyflyte run --remote`) every task runs in
its own image.
"""
import typing

from flytekit import task, workflow

from flyte_tasks import ml_etl_count_words, ml_etl_top_word, ml_etl_vocabulary, ml_stats_mean, ml_train


@task(container_image="ghcr.io/acme/flyte-py:1.4.2")
def make_lr(scale: float) -> float:
    return 0.1 * scale


@workflow
def pipeline(
    epochs: int = 3,
    scale: float = 5.0,
    text: str = "a b a c",
    lines: typing.List[str] = ["the cat sat", "The dog sat"],
) -> typing.Tuple[float, str, int, float]:
    lr = make_lr(scale=scale)
    loss = ml_train(epochs=epochs, learning_rate=lr)
    word, _count = ml_etl_top_word(text=text)
    vocabulary = ml_etl_vocabulary(lines=lines)  # a file: one distinct word per line
    distinct = ml_etl_count_words(document=vocabulary)
    return loss, word, distinct, ml_stats_mean(xs=[1.0, 2.0, 4.5])
