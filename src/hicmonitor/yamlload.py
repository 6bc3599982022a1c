"""YAML parsing for the files read on every load: libyaml's safe loader when PyYAML has it.

PyYAML's pure-Python parser costs 5-15 ms per small file, a fixed cost of every ``hic laad``
(the file kinds of ``sources/sniff.py``, the settings of the plausibility checks); libyaml's
``CSafeLoader`` builds the same objects from the same safe tags in a tenth of that.
"""

from __future__ import annotations

from typing import Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str) -> Any:  # noqa: ANN401 - whatever the document holds
    """``yaml.safe_load(text)``, with libyaml when available."""
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader
