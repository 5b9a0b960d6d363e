"""A deterministic corpus for the benchmark: Keras model files and ordinary Python.

Everything comes from a seeded ``random.Random``, so the same arguments always
write the same bytes.  Model files use every construction style layerlint reads
(Sequential list, ``.add``, functional chains, builder functions, loops,
multi-input merges, subclassing) under every import spelling, and are valid
Keras 3 programs: executing one builds its models, which is what the benchmark
times against.  Ordinary files are the rest of a code base (data handling,
classes, command lines, tests); a few mention Keras in a comment so the text
prefilter cannot skip them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

# (import block, how to spell: layers module, Sequential, Model, Input)
IMPORT_STYLES = [
    ("import keras\nfrom keras import layers\n", "layers.", "keras.Sequential", "keras.Model", "keras.Input"),
    ("import tensorflow as tf\n", "tf.keras.layers.", "tf.keras.Sequential", "tf.keras.Model", "tf.keras.Input"),
    ("from tensorflow import keras\n", "keras.layers.", "keras.Sequential", "keras.Model", "keras.Input"),
    ("import keras\nimport keras.layers as L\n", "L.", "keras.models.Sequential", "keras.models.Model", "keras.layers.Input"),
    ("from keras.layers import *\nfrom keras.models import Sequential, Model\nfrom keras import Input\n",
     "", "Sequential", "Model", "Input"),
]


@dataclass
class CorpusFile:
    name: str
    text: str
    models: int  # Keras models it builds when executed (0 for ordinary files)
    buildable: bool  # safe and quick to execute under real Keras


class _Style:
    def __init__(self, rng: random.Random) -> None:
        self.imports, self.L, self.seq, self.model, self.input = rng.choice(IMPORT_STYLES)


# -- model files -------------------------------------------------------------------


def _mlp_layers(rng: random.Random, s: _Style, depth: int) -> list[str]:
    out = []
    for _ in range(depth):
        units = rng.choice([16, 32, 64, 128, 256])
        out.append(f'{s.L}Dense({units}, activation="{rng.choice(["relu", "gelu", "tanh"])}")')
        if rng.random() < 0.4:
            out.append(f"{s.L}Dropout({rng.choice([0.1, 0.2, 0.3, 0.5])})")
        if rng.random() < 0.2:
            out.append(f"{s.L}BatchNormalization()")
    return out


def _cnn_layers(rng: random.Random, s: _Style, depth: int) -> list[str]:
    out, size = [], 64
    for i in range(depth):
        f = rng.choice([16, 32, 64])
        out.append(f'{s.L}Conv2D({f}, {rng.choice([3, 5])}, padding="same", activation="relu")')
        if i % 2 == 1 and size >= 8:
            out.append(f"{s.L}MaxPooling2D()")
            size //= 2
        elif rng.random() < 0.3:
            out.append(f"{s.L}BatchNormalization()")
    out.append(f"{s.L}{rng.choice(['Flatten', 'GlobalAveragePooling2D'])}()")
    return out


def _text_layers(rng: random.Random, s: _Style, depth: int) -> list[str]:
    out = [f"{s.L}Embedding(VOCAB, {rng.choice([32, 64, 128])})"]
    for i in range(max(1, depth // 2)):
        last = i == max(1, depth // 2) - 1
        kind = rng.choice(["LSTM", "GRU", "Conv1D"])
        if kind == "Conv1D":
            out.append(f'{s.L}Conv1D({rng.choice([32, 64])}, 5, padding="same", activation="relu")')
            if last:
                out.append(f"{s.L}GlobalMaxPooling1D()")
        else:
            seq = "False" if last else "True"
            inner = f"{s.L}{kind}({rng.choice([16, 32, 64])}, return_sequences={seq})"
            out.append(f"{s.L}Bidirectional({inner})" if rng.random() < 0.3 else inner)
    return out


def _head(rng: random.Random, s: _Style, classes: int) -> tuple[str, str]:
    if classes == 1:
        return f'{s.L}Dense(1, activation="sigmoid")', '"binary_crossentropy"'
    return f'{s.L}Dense({classes}, activation="softmax")', '"sparse_categorical_crossentropy"'


def _body(rng: random.Random, s: _Style, depth: int) -> tuple[str, list[str]]:
    """An input shape and the hidden layers for one model."""
    kind = rng.choice(["mlp", "cnn", "text"])
    if kind == "mlp":
        return f"({rng.choice([8, 20, 64, 784])},)", _mlp_layers(rng, s, depth)
    if kind == "cnn":
        return f"({rng.choice([28, 32, 64])}, {rng.choice([28, 32, 64])}, {rng.choice([1, 3])})", _cnn_layers(rng, s, depth)
    return "(MAXLEN,)", _text_layers(rng, s, depth)


def _sequential_list(rng: random.Random, s: _Style, name: str, depth: int) -> str:
    shape, hidden = _body(rng, s, depth)
    head, loss = _head(rng, s, rng.choice([1, 5, 10]))
    rows = [f"    {s.input}(shape={shape}),", *(f"    {x}," for x in hidden), f"    {head},"]
    return (f"{name} = {s.seq}([\n" + "\n".join(rows) + f'\n], name="{name}")\n'
            f'{name}.compile(optimizer="adam", loss={loss}, metrics=["accuracy"])\n')


def _sequential_add(rng: random.Random, s: _Style, name: str, depth: int) -> str:
    shape, hidden = _body(rng, s, depth)
    head, loss = _head(rng, s, rng.choice([1, 10]))
    lines = [f"{name} = {s.seq}()", f"{name}.add({s.input}(shape={shape}))"]
    lines += [f"{name}.add({x})" for x in hidden] + [f"{name}.add({head})"]
    lines.append(f'{name}.compile(optimizer="rmsprop", loss={loss})')
    return "\n".join(lines) + "\n"


def _loop_model(rng: random.Random, s: _Style, name: str, depth: int) -> str:
    widths = [rng.choice([32, 64, 128, 256]) for _ in range(max(1, depth))]
    const = f"{name.upper()}_UNITS"
    return (f"{const} = {widths}\n\n"
            f"{name} = {s.seq}()\n"
            f"{name}.add({s.input}(shape=({rng.choice([10, 30, 100])},)))\n"
            f"for i, units in enumerate({const}):\n"
            f'    {name}.add({s.L}Dense(units, activation="relu", name=f"{name}_dense_{{i}}"))\n'
            f"    if i % 2 == 0:\n"
            f"        {name}.add({s.L}Dropout(DROPOUT))\n"
            f'{name}.add({s.L}Dense(1, activation="sigmoid"))\n'
            f'{name}.compile(optimizer="adam", loss="binary_crossentropy")\n')


def _functional_resnet(rng: random.Random, s: _Style, name: str, depth: int) -> str:
    fn = f"build_{name}"
    stages = max(1, depth // 3)
    return f'''

def conv_block_{name}(x, filters, strides=1):
    """Two convolutions with a projection shortcut when the shape changes."""
    shortcut = x
    y = {s.L}Conv2D(filters, 3, strides=strides, padding="same", use_bias=False)(x)
    y = {s.L}BatchNormalization()(y)
    y = {s.L}Activation("relu")(y)
    y = {s.L}Conv2D(filters, 3, padding="same", use_bias=False)(y)
    y = {s.L}BatchNormalization()(y)
    if strides != 1 or shortcut.shape[-1] != filters:
        shortcut = {s.L}Conv2D(filters, 1, strides=strides, use_bias=False)(shortcut)
    y = {s.L}Add()([shortcut, y])
    return {s.L}Activation("relu")(y)


def {fn}(input_shape=({rng.choice([32, 64])}, {rng.choice([32, 64])}, 3), num_classes={rng.choice([10, 100])}):
    inputs = {s.input}(shape=input_shape)
    x = {s.L}Conv2D({rng.choice([16, 32])}, 3, padding="same")(inputs)
    filters = {rng.choice([16, 32])}
    for stage in range({stages}):
        x = conv_block_{name}(x, filters, strides=1 if stage == 0 else 2)
        x = conv_block_{name}(x, filters)
        filters *= 2
    x = {s.L}GlobalAveragePooling2D()(x)
    outputs = {s.L}Dense(num_classes, activation="softmax")(x)
    return {s.model}(inputs, outputs, name="{name}")


{name} = {fn}()
{name}.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
'''


def _multi_input(rng: random.Random, s: _Style, name: str, depth: int) -> str:
    hidden = "\n".join(f'    t = {s.L}Dense({rng.choice([16, 32, 64])}, activation="relu")(t)' for _ in range(max(1, depth // 2)))
    return f'''

def make_{name}(num_features={rng.choice([8, 12, 40])}, vocab=VOCAB):
    text_in = {s.input}(shape=(MAXLEN,), name="{name}_text")
    num_in = {s.input}(shape=(num_features,), name="{name}_numeric")
    t = {s.L}Embedding(vocab, {rng.choice([16, 32])})(text_in)
    t = {s.L}GlobalAveragePooling1D()(t)
{hidden}
    n = {s.L}Dense({rng.choice([8, 16])}, activation="relu")(num_in)
    merged = {s.L}Concatenate()([t, n])
    out = {s.L}Dense(1, activation="sigmoid", name="{name}_score")(merged)
    return {s.model}(inputs=[text_in, num_in], outputs=out)


{name} = make_{name}()
{name}.compile(optimizer="adam", loss="binary_crossentropy")
'''


def _builder_sequential(rng: random.Random, s: _Style, name: str, depth: int) -> str:
    return f'''

def {name}_factory(hidden=({", ".join(str(rng.choice([32, 64, 128])) for _ in range(max(1, depth)))}), rate=DROPOUT, classes={rng.choice([3, 10])}):
    model = {s.seq}(name="{name}")
    model.add({s.input}(shape=({rng.choice([16, 64])},)))
    for units in hidden:
        model.add({s.L}Dense(units, activation="relu"))
        model.add({s.L}Dropout(rate))
    model.add({s.L}Dense(classes, activation="softmax"))
    return model


{name} = {name}_factory()
{name}_small = {name}_factory(hidden=(16,), classes=2)
'''


def _subclassed(rng: random.Random, s: _Style, name: str, depth: int) -> str:
    cls = "".join(p.title() for p in name.split("_"))
    return f'''

class {cls}({s.model}):
    """Subclassed: built by calling it, so only its sub-layers are listed."""

    def __init__(self, units={rng.choice([32, 64])}, **kwargs):
        super().__init__(**kwargs)
        self.hidden = [{s.L}Dense(units, activation="relu") for _ in range({max(1, depth)})]
        self.out = {s.L}Dense(1)

    def call(self, x):
        for layer in self.hidden:
            x = layer(x)
        return self.out(x)
'''


STYLES = [_sequential_list, _sequential_add, _loop_model, _functional_resnet, _multi_input,
          _builder_sequential, _subclassed]
# models a style's code builds when executed
_BUILT = {_builder_sequential: 2, _subclassed: 0}


def _ordinary_helpers(rng: random.Random, n: int) -> str:
    return "".join(_ordinary_unit(rng, i) for i in range(n))


def model_file(rng: random.Random, models: int, depth: int, helpers: int = 1) -> CorpusFile:
    s = _Style(rng)
    parts = [f'"""Model definitions ({rng.randrange(1000)}): generated for the layerlint benchmark."""\n',
             "import math\nimport os\nfrom dataclasses import dataclass, field\n\n", s.imports, "\n",
             f"VOCAB = {rng.choice([5000, 20000])}\nMAXLEN = {rng.choice([80, 200])}\nDROPOUT = 0.25\n\n"]
    built = 0
    for i in range(models):
        style = rng.choice(STYLES)
        parts.append(style(rng, s, f"model_{i}", depth) + "\n")
        built += _BUILT.get(style, 1)
    parts.append(_ordinary_helpers(rng, helpers))
    parts.append('\n\nif __name__ == "__main__":\n    print("built", len(globals()))\n')
    return CorpusFile("", "".join(parts), built, True)


def deep_model_file(layers: int, literal: bool = True) -> CorpusFile:
    """One model of ``layers`` layers: written out (as generated code is) or built in a loop."""
    head = "import keras\nfrom keras import layers\n\n"
    if literal:
        rows = ["inputs = keras.Input(shape=(64,))", "x = inputs"]
        for i in range(layers - 1):
            rows.append(f'x = layers.Dense(64, activation="relu", name="d{i}")(x)' if i % 2 == 0
                        else f'x = layers.Dropout(0.1, name="drop{i}")(x)')
        rows.append('model = keras.Model(inputs, layers.Dense(1, name="out")(x), name="deep")')
        return CorpusFile("", head + "\n".join(rows) + "\n", 1, True)
    blocks = max(1, (layers - 2) // 3)
    body = f'''inputs = keras.Input(shape=(64,))
x = inputs
for i in range({blocks}):
    y = layers.Dense(64, activation="relu")(x)
    y = layers.Dropout(0.1)(y)
    x = layers.Add()([x, y])
model = keras.Model(inputs, layers.Dense(1)(x), name="deep")
'''
    return CorpusFile("", head + body, 1, True)


# -- ordinary files ----------------------------------------------------------------

_WORDS = ["record", "order", "user", "batch", "item", "price", "event", "token", "path", "report",
          "cache", "query", "score", "entry", "window", "metric", "account", "session", "field", "chunk"]


def _w(rng: random.Random) -> str:
    return rng.choice(_WORDS)


def _ordinary_unit(rng: random.Random, i: int) -> str:
    a, b, c = _w(rng), _w(rng), _w(rng)
    k = rng.randrange(6)
    if k == 0:
        return f'''

def normalize_{a}_{i}(rows, *, limit={rng.randrange(5, 500)}):
    """Keep the first ``limit`` rows whose {b} is set, lower-casing keys."""
    out = []
    for row in rows:
        if not row.get("{b}"):
            continue
        out.append({{key.lower(): value for key, value in row.items()}})
        if len(out) >= limit:
            break
    return out
'''
    if k == 1:
        return f'''

class {a.title()}{b.title()}Store{i}:
    """In-memory store of {a}s keyed by {c}."""

    def __init__(self, capacity: int = {rng.randrange(10, 1000)}) -> None:
        self.capacity = capacity
        self._items: dict[str, dict] = {{}}

    def put(self, key: str, value: dict) -> None:
        if len(self._items) >= self.capacity:
            oldest = next(iter(self._items))
            del self._items[oldest]
        self._items[key] = dict(value, updated=True)

    def get(self, key: str, default=None):
        try:
            return self._items[key]
        except KeyError:
            return default

    def __len__(self) -> int:
        return len(self._items)
'''
    if k == 2:
        return f'''

def summarize_{a}_{i}(values):
    total = sum(values)
    mean = total / len(values) if values else 0.0
    spread = max(values) - min(values) if values else 0
    label = "high" if mean > {rng.randrange(1, 100)} else "low"
    return {{"total": total, "mean": round(mean, 3), "spread": spread, "label": f"{{label}}-{{len(values)}}"}}
'''
    if k == 3:
        return f'''

def parse_{a}_line_{i}(line: str) -> tuple[str, int] | None:
    parts = [p.strip() for p in line.split("{rng.choice([",", ";", "|"])}")]
    if len(parts) < 2 or not parts[1].isdigit():
        return None
    name, count = parts[0], int(parts[1])
    while count > {rng.randrange(100, 10000)}:
        count //= 2
    return name, count
'''
    if k == 4:
        return f'''

def test_{a}_{b}_{i}():
    data = [{", ".join(str(rng.randrange(100)) for _ in range(rng.randrange(2, 8)))}]
    assert sorted(data) == sorted(reversed(data))
    assert len(set(data)) <= len(data)
    squares = [x * x for x in data if x % 2 == 0]
    assert all(s >= 0 for s in squares)
'''
    return f'''

@dataclass
class {a.title()}Config{i}:
    name: str = "{b}"
    retries: int = {rng.randrange(1, 9)}
    timeout: float = {rng.randrange(1, 60)}.0
    tags: list = field(default_factory=list)

    def describe(self) -> str:
        return f"{{self.name}} (retries={{self.retries}}, timeout={{self.timeout}}s)"
'''


def ordinary_file(rng: random.Random, units: int) -> CorpusFile:
    header = [f'"""{_w(rng).title()} utilities ({rng.randrange(1000)})."""\n',
              "from __future__ import annotations\n\nimport json\nimport os\nimport sys\n",
              "from dataclasses import dataclass, field\n"]
    r = rng.random()
    if r < 0.08:
        header.append("# Callback names follow the keras convention (on_epoch_end, ...).\n")
    elif r < 0.2:
        header.append("# The Model and Input classes below are plain data holders.\n")
    body = _ordinary_helpers(rng, units)
    cli = '''

def main(argv=None):
    args = list(sys.argv[1:] if argv is None else argv)
    print(json.dumps({"args": args, "cwd": os.getcwd()}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
'''
    return CorpusFile("", "".join(header) + body + cli, 0, True)


# -- whole corpora -------------------------------------------------------------------


def corpus(files: int, seed: int = 0, big_file_lines: int = 10_000, deep_layers: int = 2_000) -> list[CorpusFile]:
    """``files`` files, 30% model files, plus one file of about ``big_file_lines`` lines
    and one ``deep_layers``-layer model when those are non-zero."""
    rng = random.Random(seed)
    out: list[CorpusFile] = []
    for i in range(files):
        if i % 10 in (1, 4, 7):  # 30% model files, spread through the tree
            f = model_file(rng, models=rng.choice([1, 1, 2, 3]), depth=rng.choice([2, 3, 4, 6, 10]),
                           helpers=rng.randrange(0, 6))
            f.name = f"models/model_{i:04d}.py"
        else:
            f = ordinary_file(rng, units=rng.choice([3, 6, 10, 20, 40, 80]))
            f.name = f"pkg/module_{i:04d}.py"
        out.append(f)
    if big_file_lines:
        f = sized_model_file(big_file_lines, seed)
        f.name = "models/big_file.py"
        out.append(f)
    if deep_layers:
        f = deep_model_file(deep_layers)
        f.name = "models/deep_model.py"
        f.buildable = False  # building 2,000 layers in Keras takes minutes
        out.append(f)
    return out


def sized_model_file(lines: int, seed: int = 0) -> CorpusFile:
    """A model file of about ``lines`` lines: models and helpers in a fixed proportion,
    so twice the lines is twice the models and twice the ordinary code."""
    rng = random.Random(seed + 1)
    parts: list[str] = []
    models = 0
    count = 0
    while count < lines:
        f = model_file(rng, models=2, depth=4, helpers=3)
        parts.append(f.text)
        models += f.models
        count += f.text.count("\n")
    # one module: rename the repeated model globals so they stay distinct
    text = "".join(p.replace("model_", f"m{i}_") for i, p in enumerate(parts))
    return CorpusFile("", text, models, True)


def write_corpus(root: Path, files: list[CorpusFile]) -> list[Path]:
    paths = []
    for f in files:
        p = root / f.name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(f.text, encoding="utf-8")
        paths.append(p)
    return paths


# A project for G: a helper package every file imports (blocks, heads, constants), and files
# that build their own models partly with it.
_HELPER_INIT = "from .blocks import conv_bn, residual\nfrom .heads import classifier\n"
_HELPER_CONFIG = "FILTERS = 32\nDROPOUT = 0.25\nORDER = 'channels_last'\n"
_HELPER_BLOCKS = '''from keras import layers
from .config import FILTERS, ORDER


def conv_bn(x, filters=FILTERS, kernel=3, strides=1):
    axis = -1 if ORDER == 'channels_last' else 1
    x = layers.Conv2D(filters, kernel, strides=strides, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization(axis=axis)(x)
    return layers.ReLU()(x)


def residual(x, filters):
    shortcut = layers.Conv2D(filters, 1, padding="same")(x)
    y = conv_bn(x, filters)
    y = conv_bn(y, filters)
    return layers.Add()([shortcut, y])
'''
_HELPER_HEADS = '''from keras import layers
from .config import DROPOUT


def classifier(x, classes):
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dropout(DROPOUT)(x)
    return layers.Dense(classes, activation="softmax")(x)
'''


def project_file(rng: random.Random, i: int) -> str:
    """One file of the G project: its own layers, then the helpers' blocks and head."""
    own = []
    for _ in range(rng.randrange(25, 40)):
        own.append(rng.choice([
            f"x = keras.layers.Conv2D({rng.choice([16, 32, 64])}, 3, padding='same', activation='relu')(x)",
            "x = keras.layers.BatchNormalization()(x)",
            f"x = keras.layers.Dropout({rng.choice([0.1, 0.2])})(x)",
            "x = keras.layers.Activation('relu')(x)",
        ]))
    body = "\n    ".join(own)
    return (f"import keras\nfrom helpers import conv_bn, residual, classifier\nfrom helpers.config import FILTERS\n\n\n"
            f"def build_{i}(classes={rng.choice([10, 100])}):\n"
            f"    inp = keras.Input(({rng.choice([32, 64])}, {rng.choice([32, 64])}, 3))\n"
            f"    x = keras.layers.Conv2D(FILTERS, 3, padding='same')(inp)\n    {body}\n"
            f"    x = residual(x, {rng.choice([32, 64])})\n"
            f"    return keras.Model(inp, classifier(x, classes))\n\n\n"
            f"model = build_{i}()\n")


def write_project(root: Path, files: int, follow: bool, seed: int = 0) -> Path:
    """The G project under ``root``; ``follow``: the files' imports are followed (else each is read alone)."""
    rng = random.Random(seed)
    texts = {"pyproject.toml": f"[tool.layerlint]\nfollow-imports = {'true' if follow else 'false'}\n",
             "helpers/__init__.py": _HELPER_INIT, "helpers/config.py": _HELPER_CONFIG,
             "helpers/blocks.py": _HELPER_BLOCKS, "helpers/heads.py": _HELPER_HEADS}
    for i in range(files):
        texts[f"app/model_{i:03d}.py"] = project_file(rng, i)
    for name, text in texts.items():
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return root
