"""Random programs that mix an adversary's constructs with ordinary model code.

Every hostile expression tries to read the canary environment variable or the canary
file, to print an object of this process, or to allocate far past any budget; its value
then flows where the linter shows values: layer names, unit counts, shapes, reshapes,
compile arguments.  tests/test_fuzz_hostile.py lints thousands of these.
"""

from __future__ import annotations

import random

PROBES = ["layers.Dense(3)", "keras", "layers", "helper", "Thing", "Thing()", "inp", "print", "len",
          "keras.Model", "os", "x", "(lambda: 0)", "model_a", "layers.Dense"]
PATH = "__init__.__globals__[dataclass].__globals__[sys].modules[os].environ[LAYERLINT_CANARY]"
CHAINS = ["__class__.__mro__", "__init__.__globals__", "__dict__", "__class__.__subclasses__()",
          "__globals__", "__class__.__init__.__globals__['os'].environ", "__builtins__", "__code__.co_consts"]
READS = ['os.environ["LAYERLINT_CANARY"]', 'os.getenv("LAYERLINT_CANARY")', 'os.environ.get("LAYERLINT_CANARY")',
         'open("canary_secret.txt").read()', 'getattr(os, "environ")["LAYERLINT_CANARY"]',
         '__import__("os").environ["LAYERLINT_CANARY"]', 'eval("__import__(\'os\').environ")',
         'getattr(__builtins__, "op" + "en")("canary_secret.txt").read()', 'vars(os)["environ"]',
         'globals()', 'locals()', 'dir()', 'type({p})', 'repr({p})', 'str({p})', 'id({p})']
BIG = ["10**9", "4 * 10**8", "10**10**8", "2**2**40", "1 << 10**9", "int('9' * 4000)", "len('x' * 10**9)",
       "99999", "100001", "10**5 + 1", "-1", "0"]


def hostile_expr(rng: random.Random) -> str:
    """One expression an adversary would write."""
    p = rng.choice(PROBES)
    big = rng.choice(BIG)
    options = [
        lambda: f'("{{x.{PATH}}}").format(x={p})',
        lambda: f'"{{0.{rng.choice(CHAINS)}}}".format({p})',
        lambda: f'"{{x[os]}}".format(x={p})',
        lambda: f'"{{!r}}".format({p})',
        lambda: f'"{{}}".format({p})',
        lambda: f'("{{a.{PATH}}}").format_map({{"a": {p}}})',
        lambda: f'f"{{{p}.{rng.choice(CHAINS).split("[")[0].split("(")[0]}}}"',
        lambda: f'f"{{{p}!r}}-{{{p}}}"',
        lambda: f'f"{{{p}:{{{p}}}}}"',
        lambda: f'"%s %r" % ({p}, {p})',
        lambda: f'"%(a)s" % {{"a": {p}}}',
        lambda: f'format({p}, "")',
        lambda: f'string.Template("$a ${{b}}").safe_substitute(a={p}, b={p})',
        lambda: f'{p}.{rng.choice(CHAINS)}',
        lambda: f'getattr({p}, "__" + "{rng.choice(["class", "globals", "init", "dict"])}" + "__")',
        lambda: rng.choice(READS).format(p=p),
        lambda: f'"a" * {big}',
        lambda: f'[0] * {big}',
        lambda: f'"x".{rng.choice(["ljust", "rjust", "center", "zfill"])}({big})',
        lambda: f'"{{0:{{1}}}}".format("a", {big})',
        lambda: f'"{{:{{}}{{}}}}".format("a", {big}, {big})',
        lambda: f'"%*s" % ({big}, "a")',
        lambda: f'"%.*f" % ({big}, 1.5)',
        lambda: f'f"{{\'a\':>{{{big}}}}}"',
        lambda: f'list(range({big}))',
        lambda: f'str({big})',
        lambda: f'{big}',
        lambda: f'"ab" * 50000 * {rng.choice(["50000", "2", "1"])}',
    ]
    return rng.choice(options)()


PRELUDE = """import os
import string

import keras
from keras import layers


def helper(n=4):
    return n


class Thing:
    def __init__(self):
        self.size = 3


inp = keras.Input((8,))
x = layers.Dense(8)(inp)
model_a = keras.Model(inp, x)
"""


def program(rng: random.Random) -> str:
    """A file: the prelude, a few hostile values, and models that use them."""
    lines = [PRELUDE]
    n = rng.randint(1, 4)
    for i in range(n):
        lines.append(f"v{i} = {hostile_expr(rng)}")
    uses = []
    for i in range(n):
        v = f"v{i}"
        uses.append(rng.choice([
            f'layers.Dense(8, name={v})',
            f'layers.Dense(len({v}) if isinstance({v}, str) else 8, name=str({v}))',
            f'layers.Dense({v} if isinstance({v}, int) else 4)',
            f'layers.Dropout(0.1, name="{{}}_{{}}".format({v}, {i}))',
            f'layers.Dense(4, name=f"d{{{v}}}")',
            f'layers.Reshape(({v}, 2) if isinstance({v}, int) else (4, 2))',
            f'layers.Dense(4, kernel_initializer={v})',
            f'layers.Activation({v})',
        ]))
    body = ",\n    ".join(uses)
    kind = rng.randint(0, 2)
    if kind == 0:
        lines.append(f"model = keras.Sequential([\n    keras.Input((8,)),\n    {body},\n])")
    elif kind == 1:
        lines.append("y = inp")
        for u in uses:
            lines.append(f"y = {u}(y)")
        lines.append("model = keras.Model(inp, y)")
    else:
        lines.append("def build(units=8):\n    m = keras.Sequential()\n    m.add(keras.Input((units,)))")
        for u in uses:
            lines.append(f"    m.add({u})")
        lines.append("    return m\n\n\nmodel = build()")
    if rng.random() < 0.3:
        lines.append(f"model.compile(optimizer={hostile_expr(rng)}, loss={hostile_expr(rng)})")
    if rng.random() < 0.3:
        lines.append(f"for k in range(3):\n    model.add(layers.Dense(2, name={hostile_expr(rng)} if k else None))"
                     if kind != 1 else f"z = layers.Dense(3, name={hostile_expr(rng)})(model_a.output)")
    return "\n".join(lines) + "\n"
