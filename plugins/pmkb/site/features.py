"""The site's features, in the order their sections appear on a page."""

from __future__ import annotations

from .action_items import ActionItems
from .blameless_note import BlamelessNote
from .explorer import IncidentExplorer
from .feature import Feature
from .incident_types import IncidentTypes
from .index_pages import IndexPages
from .metrics_reviews import MetricsAndReviews
from .oncall import OncallLoad
from .search_index import SearchIndexTrim
from .similar_incidents import SimilarIncidents

__all__ = ["FEATURES", "new_features"]

# One line per capability.
FEATURES: tuple[type[Feature], ...] = (
    IndexPages,
    IncidentTypes,
    ActionItems,
    OncallLoad,
    MetricsAndReviews,
    BlamelessNote,
    SimilarIncidents,
    IncidentExplorer,
    SearchIndexTrim,
)


def new_features() -> list[Feature]:
    """Fresh feature objects for one build."""
    return [feature() for feature in FEATURES]
