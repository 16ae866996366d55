"""``make bench``: the homework's reference model beside a plain dense baseline, graded for real.

Both go through the homework grader's own path (:func:`grader.core.model_eval.grade_model`): seeded,
deterministic training on the students' training part minus the validation part, a ``.keras``
file loaded in safe mode, accuracy on the validation part and on the hidden test part. The
baseline is ``Rescaling -> Flatten -> Dense(128, relu) -> Dense(10, softmax)`` trained by the
reference ``train_model``; a third row trains the reference model on 10% of the data, which
lands in a lower tier.

Usage: ``python -m grader.bench.models [--quick]``. The data is the bundled 5,000 digits unless
``MNIST_PATH`` (or Keras's cache) gives the full MNIST. Exit status 1 when the reference misses
the top tier.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def dense_baseline():
    import keras
    model = keras.Sequential([
        keras.Input(shape=(28, 28)),
        keras.layers.Rescaling(1 / 255),
        keras.layers.Flatten(),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def on_a_tenth(train_model):
    """``train_model`` given only 10% of the training images (the first ones, all classes mixed)."""
    def train(model, x_train, y_train):
        keep = max(10, len(x_train) // 10)
        return train_model(model, x_train[:keep], y_train[:keep])
    return train


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the test suite's plan: 600 training images")
    parser.add_argument("--no-baseline", action="store_true", help="only the reference model")
    args = parser.parse_args(argv)
    if args.quick:
        os.environ["GRADER_MNIST_QUICK"] = "1"

    from grader.core import model_eval
    from grader.weeks.week3.homework import grading_plan
    from solutions.week3 import mnist_homework as reference

    started = time.monotonic()
    data = grading_plan()
    print(f"data: {data.source}")
    print(f"plan: {data.kind}; the grader trains on {len(data.x_fit):,} images, validates on {len(data.x_val):,}, "
          f"tests on {len(data.x_test):,} (hidden); tiers {', '.join(map(model_eval.percent, data.tiers))}; "
          f"budget {data.budget:.0f} s; data ready in {time.monotonic() - started:.1f} s")
    print(f"CPU cores available: {len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else os.cpu_count()}")

    rows = [("reference CNN (solutions/week3/mnist_homework.py)", reference.build_model, reference.train_model)]
    if not args.no_baseline:
        rows.append(("dense baseline, trained the same way", dense_baseline, reference.train_model))
        rows.append(("reference CNN on 10% of the training images", reference.build_model,
                     on_a_tenth(reference.train_model)))

    print(f"\n{'model':<52} {'train s':>8} {'val acc':>8} {'test acc':>9} {'tier':>6}")
    outcomes = []
    for name, build, train in rows:
        graded = model_eval.grade_model(build, train, data)
        if graded.error:
            print(f"{name:<52} error: {graded.error}")
            outcomes.append(None)
            continue
        tier = model_eval.tier_of(graded.test.accuracy, data.tiers)
        outcomes.append(tier)
        print(f"{name:<52} {graded.seconds:>8.1f} {graded.validation.accuracy:>8.2%} {graded.test.accuracy:>9.2%} "
              f"{tier:>3} / {len(data.tiers)}", flush=True)
        if name.startswith("reference CNN (") and graded.test:
            reference_graded = graded

    if outcomes[0] is not None:
        print("\nreference on the hidden test split:\n" + reference_graded.test.report())
    met = outcomes[0] == len(data.tiers)
    print(f"\nreference reaches the top tier ({model_eval.percent(data.tiers[-1])}): {'yes' if met else 'NO'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
