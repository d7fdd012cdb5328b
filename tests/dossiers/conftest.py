import pytest

from kiosk.dossiers import DossierDesk


@pytest.fixture
def desk(db, config) -> DossierDesk:
    """In the dossier tests, `desk` is the dossier desk on the test database (elsewhere the
    ticket desk: tests/conftest.py)."""
    return DossierDesk(db, config)
