"""Responses that steer a browser page rather than answer an API client: django-htmx's client-side redirects.

An htmx form posts to a view that answers ``HttpResponseClientRefresh()`` (reload the page),
``HttpResponseClientRedirect(url)`` or ``HttpResponseLocation(url)`` (go to another page): the htmx equivalent of
a form view's ``redirect(...)`` after a POST. A view that answers so serves a server-rendered UI, whose URLs are
conventions of that UI, as a view that redirects does (argus's ``update/<action>/`` incident actions).
"""

HTMX_PAGE_RESPONSES = frozenset({"HttpResponseClientRefresh", "HttpResponseClientRedirect", "HttpResponseLocation"})
"""django-htmx's responses that reload the page or send the browser elsewhere."""
