"""One seeding, for the grader and for the sandboxed child: Python's, NumPy's and (when Keras is
installed) Keras/TensorFlow's generators, and deterministic TensorFlow ops.

It imports nothing of the ``grader`` package: the sandboxed child loads this file by its path,
from the copy in its own folder (:func:`grader.sandbox.child.serve`); the homework's training
seeds the grader's process with it (:func:`grader.core.model_eval.seed_everything`).
"""
from __future__ import annotations

import random


def seed_generators(seed: int) -> None:
    """Seed Python's and NumPy's global generators and, when installed, Keras's and TensorFlow's
    (with deterministic TensorFlow ops)."""
    import numpy as np

    random.seed(seed)
    np.random.seed(seed)
    try:
        import keras
        import tensorflow as tf
    except ImportError:
        return
    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()
