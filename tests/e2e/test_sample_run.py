"""What `make run` does before it serves: the bundled samples go through the local stack as a
municipality uploads them, one line per sample as a caseworker sees it."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from eakte.local.resources import free_port
from eakte.local.stack import repo_root

pytestmark = pytest.mark.e2e

SAMPLES = ["ech0020_move_in.xml", "ech0090_envelope.xml", "demande_autorisation_sejour_fr.png",
           "employment_contract_de.png", "passport_data_page.jpg", "police_report_de.tiff",
           "rental_agreement_fr.pdf", "residence_permit_application_de.pdf"]


def test_the_bundled_samples_run_through_the_local_stack() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "EAKTE_"))}
    done = subprocess.run([sys.executable, "-m", "eakte.local", "--samples", "samples", "--exit-after-samples",
                           "--port", str(free_port()), "--timeout", "300"],
                          check=False, cwd=repo_root(), env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    lines = {line.split()[0]: line for line in done.stdout.splitlines() if " → " in line}
    assert sorted(lines) == sorted(SAMPLES)
    for line in lines.values():  # each filed or in the inbox, none failed or rejected
        assert line.split(" → ")[1].split()[0] in {"INDEXED", "NEEDS_REVIEW"}, line
    assert lines["passport_data_page.jpg"].split()[2:4] == ["INDEXED", "passport"]
    # handed on to the federal stand-in (queued, sent or acknowledged by the time the line is printed)
    assert re.search(r"federal (QUEUED|SENT|ACKNOWLEDGED)", lines["ech0020_move_in.xml"])
