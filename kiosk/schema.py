"""The station database's schema: importing this module registers every package's migration
with the store (kiosk/store/migrations.py `register()`, called by each schema module).

The store itself imports no feature package; `import kiosk` imports this module, so the one
migration list is whole before any database is opened. A package with tables of its own adds
its schema module here.
"""

from __future__ import annotations

from kiosk.dossiers import schema as dossiers  # 3, 9-13, 15: dossiers, slips, the book's queue
from kiosk.feedback import schema as feedback  # 5: ratings, citizen feedback
from kiosk.hub import schema as hub  # 7: the hub's station credentials
from kiosk.officefeed import schema as officefeed  # 6: records forwarded to the hub
from kiosk.petitions import schema as petitions  # 14: petitions with deadlines
from kiosk.queue import schema as queue  # 4: counter calling
from kiosk.store import stats_schema as stats  # 16: settled days' queue figures, results' indexes
from kiosk.store import upkeep_schema as upkeep  # 8, 17: a station's years (1, 2: the store's own)
from kiosk.store.migrations import missing_versions

__all__ = ["dossiers", "feedback", "hub", "officefeed", "petitions", "queue", "stats",
           "upkeep"]

if missing_versions():  # a programming error: fail at import, not on a station's database
    raise ImportError(f"database migrations {missing_versions()} are not registered")
