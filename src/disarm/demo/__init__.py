"""The demo: the programme engine on real, bundled data (first version).

- New START on the bundled data exchanges (via `disarm.data.new_start_declarations`): verdicts
  and an HTML report;
- the `model` complete-elimination programme's schedule on the nine nuclear-armed states' 2024
  SIPRI estimates (central values, labelled as estimates): what each state must meet, when.

`run_demo` builds every artefact in memory (file name -> text) and a summary; it reads only
bundled package data and no clock. The CLI (`disarm demo`) writes the files.
"""

from disarm.demo.runner import DEMO_FILES, DemoResult, run_demo

__all__ = ["DEMO_FILES", "DemoResult", "run_demo"]
