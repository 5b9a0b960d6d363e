"""A subclassed model first called on a dict, list or tuple of arrays: Keras converts every array
of the structure and builds on their shapes, batch included, so the rows are numbers.  Deep
Learning with Python's ticket classifier (chapter 7) calls its subclassed model on a dict of three
arrays, where layerlint left every row unknown; lists and tuples were followed before."""

from __future__ import annotations

import pytest

from tests.live_rows import rows_as_keras

TICKETS = """
import numpy as np
import keras
from keras import layers

n = 96
words = np.random.randint(0, 2, size=(n, 50))
body = np.random.randint(0, 2, size=(n, 80))
tags = np.random.randint(0, 2, size=(n, 6))


class Tickets(keras.Model):
    def __init__(self, departments):
        super().__init__()
        self.join = layers.Concatenate()
        self.mix = layers.Dense(16, activation="relu")
        self.priority = layers.Dense(1, activation="sigmoid")
        self.department = layers.Dense(departments, activation="softmax")

    def call(self, inputs):
        features = self.mix(self.join([inputs["words"], inputs["body"], inputs["tags"]]))
        return self.priority(features), self.department(features)


model = Tickets(4)
priority, department = model({"words": words, "body": body, "tags": tags})
"""

PAIR = """
import numpy as np
import keras
from keras import layers


class Pair(keras.Model):
    def __init__(self):
        super().__init__()
        self.left = layers.Dense(3)
        self.right = layers.Dense(5)

    def call(self, inputs):
        a, b = inputs
        return layers.concatenate([self.left(a), self.right(b)])


model = Pair()
out = model({data})
"""


def test_a_subclassed_model_first_called_on_a_dict_of_arrays(keras, tmp_path, monkeypatch) -> None:
    ours = rows_as_keras(tmp_path, monkeypatch, TICKETS)
    assert [r["params"] for r in ours] == [0, (50 + 80 + 6) * 16 + 16, 17, 68]


@pytest.mark.parametrize("data", ["[np.zeros((2, 4)), np.ones((2, 6))]", "(np.zeros((2, 4)), np.ones((2, 6)))"])
def test_a_subclassed_model_first_called_on_a_list_or_tuple_of_arrays(keras, tmp_path, monkeypatch, data: str) -> None:
    ours = rows_as_keras(tmp_path, monkeypatch, PAIR.format(data=data))
    assert all(isinstance(r["params"], int) for r in ours)
