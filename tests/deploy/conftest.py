import pytest

from tests.deploy.servers import collectstatic


@pytest.fixture(scope="session")
def static_root(tmp_path_factory):
    """The static files as collectstatic writes them with the production settings, collected
    once for the session's app servers (they only read them)."""
    root = tmp_path_factory.mktemp("static")
    collectstatic(root)
    return root
