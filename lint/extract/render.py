"""The source text of a libcst expression, as ``Module.code_for_node`` gives it, only faster.

Symbols and notes are named by the user's source, so the interpreter renders tens of
thousands of expressions per run.  libcst's code generator spends most of its time
on machinery (a context manager per node for parentheses and positions), so the
node types real code is made of are written out here field by field, in the order
libcst's own ``_codegen_impl`` writes them; any other node is handed to libcst's
generator with the arguments its parent would pass, so the text is always libcst's.
tests/test_render.py holds the two to each other on every expression of generated
and fixture code.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import libcst as cst
from libcst._nodes.internal import CodegenState

_DEFAULT = cst.MaybeSentinel.DEFAULT


def node_code(module: cst.Module, node: cst.CSTNode) -> str:
    """``module.code_for_node(node)``."""
    out: list[str] = []
    _Writer(module, out).write(node)
    return "".join(out)


class _Writer:
    __slots__ = ("module", "out")

    def __init__(self, module: cst.Module, out: list[str]) -> None:
        self.module = module
        self.out = out

    def write(self, node: Any) -> None:
        f = _WRITERS.get(type(node))
        if f is None:
            self.libcst(node)
        else:
            f(self, node)

    def libcst(self, node: Any, **kwargs: Any) -> None:
        """libcst's own generator for this node (at the top level: no indent is pending)."""
        state = CodegenState(default_indent=self.module.default_indent, default_newline=self.module.default_newline)
        node._codegen(state, **kwargs)
        self.out.extend(state.tokens)

    # -- pieces shared by many nodes ------------------------------------------
    def lpar(self, node: Any) -> None:
        for p in node.lpar:
            self.out.append("(")
            self.write(p.whitespace_after)

    def rpar(self, node: Any) -> None:
        for p in node.rpar:
            self.write(p.whitespace_before)
            self.out.append(")")

    def one_token(self, node: Any) -> None:  # Comma, Dot, Colon, AssignEqual, binary and comparison operators
        self.write(node.whitespace_before)
        self.out.append(node._get_token())
        self.write(node.whitespace_after)

    def comma(self, comma: Any, default: bool, default_text: str) -> None:
        if comma is _DEFAULT:
            if default:
                self.out.append(default_text)
        elif isinstance(comma, cst.Comma):
            self.one_token(comma)

    def element(self, el: Any, default_comma: bool, whitespace: bool) -> None:
        if type(el) is cst.Element:
            self.write(el.value)
            self.comma(el.comma, default_comma, ", " if whitespace else ",")
        else:  # a starred element: libcst's, with what its parent passes
            self.libcst(el, default_comma=default_comma, default_comma_whitespace=whitespace)


def _value(w: _Writer, node: Any) -> None:  # Name, Integer, Float, Imaginary, SimpleString
    if node.lpar:
        w.lpar(node)
        w.out.append(node.value)
        w.rpar(node)
    else:
        w.out.append(node.value)


def _attribute(w: _Writer, node: cst.Attribute) -> None:
    w.lpar(node)
    w.write(node.value)
    w.one_token(node.dot)
    w.write(node.attr)
    w.rpar(node)


def _call(w: _Writer, node: cst.Call) -> None:
    w.lpar(node)
    w.write(node.func)
    w.write(node.whitespace_after_func)
    w.out.append("(")
    w.write(node.whitespace_before_args)
    last = len(node.args) - 1
    for i, arg in enumerate(node.args):
        _arg(w, arg, i != last)
    w.out.append(")")
    w.rpar(node)


def _arg(w: _Writer, arg: cst.Arg, default_comma: bool) -> None:
    w.out.append(arg.star)
    w.write(arg.whitespace_after_star)
    if arg.keyword is not None:
        w.write(arg.keyword)
    equal = arg.equal
    if equal is _DEFAULT and arg.keyword is not None:
        w.out.append(" = ")
    elif isinstance(equal, cst.AssignEqual):
        w.one_token(equal)
    w.write(arg.value)
    w.comma(arg.comma, default_comma, ", ")
    w.write(arg.whitespace_after_arg)


def _subscript(w: _Writer, node: cst.Subscript) -> None:
    w.lpar(node)
    w.write(node.value)
    w.write(node.whitespace_after_value)
    w.out.append("[")
    w.write(node.lbracket.whitespace_after)
    last = len(node.slice) - 1
    for i, el in enumerate(node.slice):
        w.write(el.slice)
        w.comma(el.comma, i != last, ", ")
    w.write(node.rbracket.whitespace_before)
    w.out.append("]")
    w.rpar(node)


def _index(w: _Writer, node: cst.Index) -> None:
    if node.star is not None:
        w.out.append(node.star)
    if node.whitespace_after_star is not None:
        w.write(node.whitespace_after_star)
    w.write(node.value)


def _slice(w: _Writer, node: cst.Slice) -> None:
    if node.lower is not None:
        w.write(node.lower)
    w.one_token(node.first_colon)
    if node.upper is not None:
        w.write(node.upper)
    second = node.second_colon
    if second is _DEFAULT and node.step is not None:
        w.out.append(":")
    elif isinstance(second, cst.Colon):
        w.one_token(second)
    if node.step is not None:
        w.write(node.step)


def _binary(w: _Writer, node: cst.BinaryOperation | cst.BooleanOperation) -> None:
    w.lpar(node)
    w.write(node.left)
    w.one_token(node.operator)
    w.write(node.right)
    w.rpar(node)


def _unary(w: _Writer, node: cst.UnaryOperation) -> None:
    w.lpar(node)
    w.out.append(node.operator._get_token())
    w.write(node.operator.whitespace_after)
    w.write(node.expression)
    w.rpar(node)


def _comparison(w: _Writer, node: cst.Comparison) -> None:
    w.lpar(node)
    w.write(node.left)
    for target in node.comparisons:
        op = target.operator
        if isinstance(op, (cst.NotIn, cst.IsNot)):
            w.libcst(op)
        else:
            w.one_token(op)
        w.write(target.comparator)
    w.rpar(node)


def _tuple(w: _Writer, node: cst.Tuple) -> None:
    w.lpar(node)
    elements = node.elements
    if len(elements) == 1:
        w.element(elements[0], True, False)
    else:
        last = len(elements) - 1
        for i, el in enumerate(elements):
            w.element(el, i < last, True)
    w.rpar(node)


def _list(w: _Writer, node: cst.List) -> None:
    w.lpar(node)
    w.out.append("[")
    w.write(node.lbracket.whitespace_after)
    last = len(node.elements) - 1
    for i, el in enumerate(node.elements):
        w.element(el, i < last, True)
    w.write(node.rbracket.whitespace_before)
    w.out.append("]")
    w.rpar(node)


def _if_exp(w: _Writer, node: cst.IfExp) -> None:
    w.lpar(node)
    w.write(node.body)
    w.write(node.whitespace_before_if)
    w.out.append("if")
    w.write(node.whitespace_after_if)
    w.write(node.test)
    w.write(node.whitespace_before_else)
    w.out.append("else")
    w.write(node.whitespace_after_else)
    w.write(node.orelse)
    w.rpar(node)


def _ellipsis(w: _Writer, node: cst.Ellipsis) -> None:
    w.lpar(node)
    w.out.append("...")
    w.rpar(node)


def _lambda(w: _Writer, node: cst.Lambda) -> None:
    w.lpar(node)
    w.out.append("lambda")
    space = node.whitespace_after_lambda
    params = node.params
    if space is _DEFAULT:
        if params.posonly_params or params.params or isinstance(params.star_arg, cst.Param) \
                or params.kwonly_params or params.star_kwarg is not None:
            w.out.append(" ")
    else:
        w.write(space)
    w.libcst(params)  # defaults, stars and slashes: libcst's own rules
    w.one_token(node.colon)
    w.write(node.body)
    w.rpar(node)


def _concatenated(w: _Writer, node: cst.ConcatenatedString) -> None:
    w.lpar(node)
    w.write(node.left)
    w.write(node.whitespace_between)
    w.write(node.right)
    w.rpar(node)


def _fstring(w: _Writer, node: cst.FormattedString) -> None:
    w.lpar(node)
    w.out.append(node.start)
    for part in node.parts:
        w.write(part)
    w.out.append(node.end)
    w.rpar(node)


def _fstring_text(w: _Writer, node: cst.FormattedStringText) -> None:
    w.out.append(node.value)


def _fstring_expression(w: _Writer, node: cst.FormattedStringExpression) -> None:
    w.out.append("{")
    w.write(node.whitespace_before_expression)
    w.write(node.expression)
    if node.equal is not None:
        w.one_token(node.equal)
    w.write(node.whitespace_after_expression)
    if node.conversion is not None:
        w.out.append("!")
        w.out.append(node.conversion)
    if node.format_spec is not None:
        w.out.append(":")
        for spec in node.format_spec:
            w.write(spec)
    w.out.append("}")


def _comp_for(w: _Writer, node: cst.CompFor) -> None:
    w.write(node.whitespace_before)
    if node.asynchronous is not None:
        w.out.append("async")
        w.write(node.asynchronous.whitespace_after)
    w.out.append("for")
    w.write(node.whitespace_after_for)
    w.write(node.target)
    w.write(node.whitespace_before_in)
    w.out.append("in")
    w.write(node.whitespace_after_in)
    w.write(node.iter)
    for clause in node.ifs:
        w.write(clause.whitespace_before)
        w.out.append("if")
        w.write(clause.whitespace_before_test)
        w.write(clause.test)
    if node.inner_for_in is not None:
        _comp_for(w, node.inner_for_in)


def _generator(w: _Writer, node: cst.GeneratorExp) -> None:
    w.lpar(node)
    w.write(node.elt)
    _comp_for(w, node.for_in)
    w.rpar(node)


def _list_comp(w: _Writer, node: cst.ListComp) -> None:
    _bracketed_comp(w, node, "[", node.lbracket, node.rbracket, "]")


def _set_comp(w: _Writer, node: cst.SetComp) -> None:
    _bracketed_comp(w, node, "{", node.lbrace, node.rbrace, "}")


def _bracketed_comp(w: _Writer, node: cst.ListComp | cst.SetComp, opening: str, left: Any, right: Any,
                    closing: str) -> None:
    w.lpar(node)
    w.out.append(opening)
    w.write(left.whitespace_after)
    w.write(node.elt)
    _comp_for(w, node.for_in)
    w.write(right.whitespace_before)
    w.out.append(closing)
    w.rpar(node)


def _dict_comp(w: _Writer, node: cst.DictComp) -> None:
    w.lpar(node)
    w.out.append("{")
    w.write(node.lbrace.whitespace_after)
    w.write(node.key)
    w.write(node.whitespace_before_colon)
    w.out.append(":")
    w.write(node.whitespace_after_colon)
    w.write(node.value)
    _comp_for(w, node.for_in)
    w.write(node.rbrace.whitespace_before)
    w.out.append("}")
    w.rpar(node)


def _dict(w: _Writer, node: cst.Dict) -> None:
    w.lpar(node)
    w.out.append("{")
    w.write(node.lbrace.whitespace_after)
    last = len(node.elements) - 1
    for i, el in enumerate(node.elements):
        if type(el) is cst.DictElement:
            w.write(el.key)
            w.write(el.whitespace_before_colon)
            w.out.append(":")
            w.write(el.whitespace_after_colon)
        else:  # **mapping
            w.out.append("**")
            w.write(el.whitespace_before_value)
        w.write(el.value)
        w.comma(el.comma, i < last, ", ")
    w.write(node.rbrace.whitespace_before)
    w.out.append("}")
    w.rpar(node)


def _set(w: _Writer, node: cst.Set) -> None:
    w.lpar(node)
    w.out.append("{")
    w.write(node.lbrace.whitespace_after)
    last = len(node.elements) - 1
    for i, el in enumerate(node.elements):
        w.element(el, i < last, True)
    w.write(node.rbrace.whitespace_before)
    w.out.append("}")
    w.rpar(node)


def _simple_whitespace(w: _Writer, node: cst.SimpleWhitespace) -> None:
    if node.value:
        w.out.append(node.value)


def _parenthesized_whitespace(w: _Writer, node: cst.ParenthesizedWhitespace) -> None:
    # (its `indent` adds the indent of the enclosing blocks: none, rendered on its own)
    _line_end(w, node.first_line)
    for line in node.empty_lines:
        _line_end(w, line)
    w.write(node.last_line)


def _line_end(w: _Writer, line: cst.TrailingWhitespace | cst.EmptyLine) -> None:
    w.write(line.whitespace)
    if line.comment is not None:
        w.out.append(line.comment.value)
    value = line.newline.value
    w.out.append(w.module.default_newline if value is None else value)


_WRITERS: dict[type, Callable[[_Writer, Any], None]] = {
    cst.Name: _value,
    cst.Integer: _value,
    cst.Float: _value,
    cst.Imaginary: _value,
    cst.SimpleString: _value,
    cst.Attribute: _attribute,
    cst.Call: _call,
    cst.Subscript: _subscript,
    cst.Index: _index,
    cst.Slice: _slice,
    cst.BinaryOperation: _binary,
    cst.UnaryOperation: _unary,
    cst.Comparison: _comparison,
    cst.Tuple: _tuple,
    cst.List: _list,
    cst.BooleanOperation: _binary,
    cst.IfExp: _if_exp,
    cst.Ellipsis: _ellipsis,
    cst.Lambda: _lambda,
    cst.ConcatenatedString: _concatenated,
    cst.FormattedString: _fstring,
    cst.FormattedStringText: _fstring_text,
    cst.FormattedStringExpression: _fstring_expression,
    cst.GeneratorExp: _generator,
    cst.ListComp: _list_comp,
    cst.SetComp: _set_comp,
    cst.DictComp: _dict_comp,
    cst.Dict: _dict,
    cst.Set: _set,
    cst.SimpleWhitespace: _simple_whitespace,
    cst.ParenthesizedWhitespace: _parenthesized_whitespace,
}
