"""cfn-lint finds no error (E-level) in either template."""

from __future__ import annotations

import pytest
from cfnlint.api import ManualArgs, lint

from eakte.settings import DEFAULT_REGION

pytestmark = pytest.mark.infrastructure


def test_template_has_no_cfn_lint_errors(either):
    matches = lint(either.template_text(), config=ManualArgs(regions=[DEFAULT_REGION]))
    errors = [f"{m.rule.id} {m.message} ({'/'.join(map(str, m.path))})" for m in matches
              if m.rule.id.startswith("E")]
    assert not errors, "cfn-lint errors:\n" + "\n".join(errors)
