"""How the API reads requests and pages answers: JSON only, downloads whatever the Accept."""

from rest_framework.exceptions import ParseError
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser


class JSONOnlyParser(JSONParser):
    """JSON, where a body nested too deeply for Python's parser is a 400, not a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply.") from None


class IgnoreAccept(BaseContentNegotiation):
    """Ignore the client's Accept header: the file is sent as it is, errors as JSON.

    A download client may send `Accept: application/octet-stream` or `image/*`; DRF's default
    negotiation would refuse that with a 406 before the view ran.
    """

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class ApiPagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200
