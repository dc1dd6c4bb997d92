from django.http import Http404

from .exceptions import NotFound


class NotFoundMiddleware:
    """Pages answer a selector's NotFound with the site's 404, so views need not catch it
    (the API maps it to its own 404 problem document)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, NotFound):
            raise Http404(exception.message) from exception
        return None
