"""layerlint's rule catalogue: one module per family (LL1xx shape errors, LL2xx
structure, LL3xx size, LL4xx losses, LL0xx/LL900 analysis) over shaped models.

May import: ``layerlint.diagnostics``, ``sources``, ``extract``, ``engine`` and ``analyze``; rules never parse.
"""

from layerlint.rules.base import Context, Finding, Rule, all_rules, get_rule, register

__all__ = ["Context", "Finding", "Rule", "all_rules", "get_rule", "register"]
