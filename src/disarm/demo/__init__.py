"""The demo: the whole verification regime on the 2024 world inventory, and New START.

- `disarm.demo.regime.run_regime`: nine states (SIPRI 2024 estimates as baselines, synthetic
  items), an inspectorate and two witnesses; the `model` programme published in a
  transparency log; every six months escrowed declarations, commit-reveal random inspections
  seeded by a checkpoint signed after the declarations, chain of custody of every
  dismantlement, material balances with Page's test on SITMUF, compliance verdicts and
  findings, all signed and logged; cheating strategies `omit`, `redeclare`, `divert`.
  `disarm.demo.statements` is the log format (the contract with `disarm verify DIR`);
  `disarm.demo.outputs` writes report.html, findings.json and the CSVs.
- `run_demo` (first version, issue 2): New START on the bundled data exchanges, and the model
  programme's schedule on the 2024 estimates, built in memory.
"""

from disarm.demo.runner import DEMO_FILES, DemoResult, run_demo

__all__ = ["DEMO_FILES", "DemoResult", "run_demo"]
