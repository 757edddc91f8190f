import pytest


@pytest.fixture
def superuser_client(client, django_user_model):
    """A client logged in as a back-office superuser."""
    user = django_user_model.objects.create_superuser("redaktion", "redaktion@example.org", "pw")
    client.force_login(user)
    return client
