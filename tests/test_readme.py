"""The README stays true: generated Rules section, every configuration key documented."""

from __future__ import annotations

from pathlib import Path

from layerlint.cli.readme import updated
from layerlint.runner.config import known_keys

README = Path(__file__).resolve().parent.parent / "README.md"


def test_rules_section_is_generated_from_rule_docs() -> None:
    text = README.read_text(encoding="utf-8")
    assert updated(text) == text, "run: python -m layerlint.cli.readme"


def test_every_configuration_key_is_documented() -> None:
    section = README.read_text(encoding="utf-8").split("## Configuration", 1)[1].split("\n## ", 1)[0]
    missing = [k for k in known_keys() if f"| `{k}` |" not in section]
    assert not missing


def test_quick_start_commands_are_the_ones_ci_runs() -> None:
    text = README.read_text(encoding="utf-8")
    ci = (README.parent / ".ci" / "run").read_text()
    # TensorFlow and Keras pinned to the versions the Keras truth was recorded with; tf-keras for Keras 2's
    assert ('pip install -c tests/truth_constraints.txt -e ".[test,tf]" && pip install --no-deps "tf-keras==2.21.0" '
            '&& python -m pytest') in text
    assert 'python -m pip install -q -c tests/truth_constraints.txt -e ".[test,tf]"' in ci and "\npython -m pytest\n" in ci
    assert 'python -m pip install -q --no-deps "tf-keras==2.21.0"' in ci
    assert "layerlint summary --explain fixtures/seeds/seed000_dense_before_flatten.py" in text
