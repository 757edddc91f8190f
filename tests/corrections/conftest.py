import pytest

from tests.contact.conftest import token


def proposal_data(entry_form_data, **overrides):
    """A complete POST of the correction form: the entry's fields as shown, then overrides."""
    data = {
        **entry_form_data,
        "reason": "Wir sind umgezogen.",
        "proposer_email": "inhaber@geheim-optik.de",
        "consent": "on",
        "homepage": "",
        "token": token(),
    }
    data.update({key: value() if callable(value) else value for key, value in overrides.items()})
    return data


@pytest.fixture
def organisation_form_data(client):
    """The organisation form's fields as the page hands them out."""

    def read(organisation):
        from corrections.forms import entry_form_class

        form = entry_form_class(type(organisation))(instance=organisation)
        data = {}
        for name, field in form.fields.items():
            value = form[name].value()
            if isinstance(value, bool):
                if value:
                    data[name] = "on"
                continue
            data[name] = "" if value is None else field.prepare_value(value)
        return {key: str(value) for key, value in data.items()}

    return read
