"""Who feeds whom: the data flow between a shaped model's layer applications.

Sequential models are a chain; functional models link each call to the calls
that produced its input tensors.  Rules walk this graph forwards (where does
this Dense's output go?) and backwards (what produced the model's output?).
"""

from __future__ import annotations

from layerlint.engine.model import InputDef, Node
from layerlint.engine.shapes import ShapedCall, ShapedModel


class Flow:
    def __init__(self, model: ShapedModel) -> None:
        self.model = model
        self.calls = list(model.calls)
        # The links are made when a rule first asks for them: most rules look at top-level models
        # only, and a file's nested models (most of its models) then never need them.
        self._linked = False
        self._producers: dict[int, list[ShapedCall | None]] = {}
        self._consumers: dict[int, list[ShapedCall]] = {}
        self._output_calls: list[ShapedCall | None] = []

    def _link(self) -> None:
        if self._linked:
            return
        self._linked = True
        model = self.model
        self._consumers = {id(c): [] for c in self.calls}
        if model.model.api == "sequential":
            prev: ShapedCall | None = None
            for c in self.calls:
                self._producers[id(c)] = [prev]
                if prev is not None:
                    self._consumers[id(prev)].append(c)
                prev = c
            self._output_calls = [prev] if prev is not None else []
        else:
            by_node = {id(c.node): c for c in self.calls if c.node is not None}
            for c in self.calls:
                prods: list[ShapedCall | None] = []
                for t in c.node.inputs if c.node is not None else []:
                    p = by_node.get(id(t.producer)) if isinstance(t.producer, Node) else None
                    prods.append(p)
                    if p is not None:
                        fed = self._consumers[id(p)]
                        # only this call's inputs are linked meanwhile: it is there already only if last
                        if not fed or fed[-1] is not c:
                            fed.append(c)
                self._producers[id(c)] = prods
            for t in model.model.outputs:
                p = t.producer
                self._output_calls.append(None if isinstance(p, InputDef) else by_node.get(id(p)))

    @property
    def output_calls(self) -> list[ShapedCall | None]:
        """The calls giving the model's outputs (None: an output that is a model input)."""
        self._link()
        return self._output_calls

    def producers(self, call: ShapedCall) -> list[ShapedCall | None]:
        """The calls whose outputs are this call's inputs (None: a model input)."""
        self._link()
        return self._producers.get(id(call), [])

    def consumers(self, call: ShapedCall) -> list[ShapedCall]:
        self._link()
        return self._consumers.get(id(call), [])

    def is_output(self, call: ShapedCall) -> bool:
        return any(c is call for c in self.output_calls)

    def ancestors(self, call: ShapedCall) -> list[ShapedCall]:
        """Every call upstream of ``call``, including itself."""
        seen: dict[int, ShapedCall] = {}
        stack = [call]
        while stack:
            c = stack.pop()
            if id(c) in seen:
                continue
            seen[id(c)] = c
            stack.extend(p for p in self.producers(c) if p is not None)
        return list(seen.values())

    def descendants(self, call: ShapedCall) -> list[ShapedCall]:
        """Every call downstream of ``call``, excluding itself."""
        seen: dict[int, ShapedCall] = {}
        stack = list(self.consumers(call))
        while stack:
            c = stack.pop()
            if id(c) in seen:
                continue
            seen[id(c)] = c
            stack.extend(self.consumers(c))
        return list(seen.values())
