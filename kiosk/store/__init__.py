"""The station's SQLite store: connection, migrations, transactions, outbox."""

from kiosk.store.db import StoreError, connect, migrate, schema_version, transaction
from kiosk.store.outbox import append_outbox

__all__ = ["StoreError", "append_outbox", "connect", "migrate", "schema_version", "transaction"]
