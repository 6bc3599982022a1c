"""The catalogue of the HIC approach: measures and interventions, motions and commitments,
legislative tracks and partners, kept as YAML under ``content/`` (one file per item).

For the report and the web::

    from hicmonitor import catalog

    cat = catalog.load_catalog()                  # checked; HicError if the content is wrong
    catalog.measures_for_year(cat, 2023)          # {approach: [Measure, ...]}
    catalog.motions_answered_in(cat, 2023)        # [AnsweredMotion(motion, answer), ...]
    catalog.legislation_latest_stage(cat, 2023)   # [TrackStage(track, latest), ...]
"""

from hicmonitor.catalog.api import (
    AnsweredMotion,
    TrackStage,
    evidence_rank,
    find_measures,
    find_motions,
    legislation_latest_stage,
    measures_for_year,
    motions_answered_in,
)
from hicmonitor.catalog.check import CheckResult, RegionInfo, check_content, load_catalog
from hicmonitor.catalog.loading import default_content_dir
from hicmonitor.catalog.models import (
    Catalog,
    Evidence,
    LegislativeTrack,
    Measure,
    Motion,
    Partner,
    StageEntry,
)
from hicmonitor.catalog.vocabulary import vocabulary

__all__ = [
    "AnsweredMotion",
    "Catalog",
    "CheckResult",
    "Evidence",
    "LegislativeTrack",
    "Measure",
    "Motion",
    "Partner",
    "RegionInfo",
    "StageEntry",
    "TrackStage",
    "check_content",
    "default_content_dir",
    "evidence_rank",
    "find_measures",
    "find_motions",
    "legislation_latest_stage",
    "load_catalog",
    "measures_for_year",
    "motions_answered_in",
    "vocabulary",
]
