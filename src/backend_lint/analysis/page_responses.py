"""Responses that steer a browser page rather than answer an API client: redirects and django-htmx's client-side
redirects.

An htmx form posts to a view that answers ``HttpResponseClientRefresh()`` (reload the page),
``HttpResponseClientRedirect(url)`` or ``HttpResponseLocation(url)`` (go to another page): the htmx equivalent of
a form view's ``redirect(...)`` after a POST. A view that answers so serves a server-rendered UI, whose URLs are
conventions of that UI, as a view that redirects does (argus's ``update/<action>/`` incident actions).
"""

HTMX_PAGE_RESPONSES = frozenset({"HttpResponseClientRefresh", "HttpResponseClientRedirect", "HttpResponseLocation"})
"""django-htmx's responses that reload the page or send the browser elsewhere."""

REDIRECT_EXCEPTIONS = frozenset({
    "HTTPFound", "HTTPSeeOther", "HTTPMovedPermanently", "HTTPTemporaryRedirect", "HTTPPermanentRedirect",
})
"""Redirects raised as exceptions (aiohttp's ``raise web.HTTPFound(url)``, Pyramid's and WebOb's): a handler
that raises one answers a browser with a redirect, as Flask's ``redirect(...)`` does."""


_REDIRECT_CLASSES = ("RedirectResponse", "HttpResponseRedirect", "HttpResponsePermanentRedirect")


def redirects(name: str) -> bool:
    """The call named ``name`` answers with a redirect: Django's and Flask's ``redirect(...)`` and the helpers
    named after it (``redirect_to_login``), ``HttpResponseRedirect``/``HttpResponsePermanentRedirect``, and
    Starlette's ``RedirectResponse`` and the classes named after it (``HXRedirectResponse``). Its answer is a
    location, not the rows or the fetched data a read route sends back."""
    return name.startswith("redirect") or name.endswith(_REDIRECT_CLASSES)
