"""cdk-nag: no unsuppressed finding, and every suppression says why."""

from __future__ import annotations

import pytest
from aws_cdk.assertions import Annotations, Match

pytestmark = pytest.mark.infrastructure


def findings(synth, pack: str, level: str = "error") -> list[str]:
    annotations = Annotations.from_stack(synth.stack)
    find = annotations.find_error if level == "error" else annotations.find_warning
    return [f"{m.id}: {str(m.entry.data).splitlines()[0]}"
            for m in find("*", Match.string_like_regexp(f"{pack}-.*"))]


@pytest.mark.parametrize("pack", ["AwsSolutions", "NIST.800.53.R5"])
def test_no_unsuppressed_nag_errors(either, pack):
    errors = findings(either, pack)
    assert not errors, "unsuppressed cdk-nag errors:\n" + "\n".join(errors)


@pytest.mark.parametrize("pack", ["AwsSolutions", "NIST.800.53.R5"])
def test_no_unsuppressed_nag_warnings(either, pack):
    warnings = findings(either, pack, level="warning")
    assert not warnings, "unsuppressed cdk-nag warnings:\n" + "\n".join(warnings)


def test_every_suppression_has_a_reason_and_wildcards_are_itemised(textract):
    template = textract.template.to_json()
    def suppressed(node: dict) -> list[dict]:
        return node.get("Metadata", {}).get("cdk_nag", {}).get("rules_to_suppress", [])

    rules = [(lid, rule) for lid, r in template["Resources"].items() for rule in suppressed(r)]
    rules += [("<stack>", rule) for rule in suppressed(template)]
    assert rules
    for lid, rule in rules:
        assert len(rule["reason"]) >= 40, f"{lid} {rule['id']}: reason too thin: {rule['reason']!r}"
        if rule["id"] in ("AwsSolutions-IAM4", "AwsSolutions-IAM5"):
            assert rule.get("applies_to"), f"{lid} {rule['id']} suppresses every finding, not named ones"
