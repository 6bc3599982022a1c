"""Early warning: is a count above what the history of its series predicts?

Methods (pure functions on arrays; each module documents its method and references):

* :func:`farrington_flexible` -- the (improved) Farrington method, a port of R's
  ``surveillance::farringtonFlexible`` (Farrington et al. 1996; Noufaily et al. 2013;
  Salmon, Schumacher & Höhle 2016), with :class:`FarringtonControl`;
* :func:`ears_c` -- EARS C1/C2/C3, a port of ``surveillance::earsC``;
* :func:`nb_cusum` -- the negative binomial likelihood-ratio CUSUM of Höhle & Paul (2008),
  a port of ``surveillance::glrnb`` with a fixed shift;
* :func:`fit_quasipoisson` -- the batched quasi-Poisson GLM under all of them (R's
  ``glm.fit``, checked against statsmodels).

On frames (for services, the CLI and the dashboard):

* :func:`detect_signals` -- per series and period: observed, expected, upper bound, alarm,
  score and a Dutch reason when no signal can be computed;
* :func:`default_control` / :func:`make_control` -- the defaults per method and frequency
  (``signalen.yaml``), with overrides;
* :func:`signal_sentence` -- the Dutch sentence for one signal.
"""

from hicmonitor.analysis.signals.api import (
    METHODS,
    CusumControl,
    EarsControl,
    default_control,
    detect_signals,
    make_control,
)
from hicmonitor.analysis.signals.cusum import CusumResult, nb_cusum, nb_dispersion
from hicmonitor.analysis.signals.ears import EarsResult, ears_c
from hicmonitor.analysis.signals.farrington import (
    FarringtonControl,
    FarringtonResult,
    farrington_flexible,
)
from hicmonitor.analysis.signals.glm import BatchFit, fit_quasipoisson
from hicmonitor.analysis.signals.sentences import noun_for, period_text, signal_sentence

__all__ = [
    "METHODS",
    "BatchFit",
    "CusumControl",
    "CusumResult",
    "EarsControl",
    "EarsResult",
    "FarringtonControl",
    "FarringtonResult",
    "default_control",
    "detect_signals",
    "ears_c",
    "farrington_flexible",
    "fit_quasipoisson",
    "make_control",
    "nb_cusum",
    "nb_dispersion",
    "noun_for",
    "period_text",
    "signal_sentence",
]
