from django.conf import settings
from django.urls import translate_url
from django.utils.functional import SimpleLazyObject


def _language_links(request):
    """Each language with this page's address in it: ``url`` keeps the query, ``path`` not."""
    full_path = request.get_full_path()
    return [
        {
            "code": code,
            "name": name,
            "url": translate_url(full_path, code),
            "path": translate_url(request.path, code),
        }
        for code, name in settings.LANGUAGES
    ]


def portal(request):
    """What every public page needs: the page in the other languages, the data licence."""
    return {
        "language_links": SimpleLazyObject(lambda: _language_links(request)),
        "data_license": settings.PORTAL_DATA_LICENSE,
    }
