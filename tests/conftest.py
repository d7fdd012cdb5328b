import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from kiosk.config import Config  # noqa: E402
from kiosk.store import connect  # noqa: E402
from kiosk.ticketing import TicketDesk  # noqa: E402
from tests.pgcluster import postgres_cluster, postgres_url  # noqa: E402, F401
from tests.uiguard import _ui_thread_guard  # noqa: E402, F401  (the UI-thread rule)


@pytest.fixture
def config() -> Config:
    return Config()


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "kiosk.db"


@pytest.fixture
def db(db_path):
    database = connect(db_path)
    yield database
    database.conn.close()


@pytest.fixture
def desk(db, config) -> TicketDesk:
    """The ticket desk on the test database (tests/dossiers/ has its own `desk`: the dossier
    desk)."""
    return TicketDesk(db, config)
