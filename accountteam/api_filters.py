"""The API's filter backends (``DEFAULT_FILTER_BACKENDS``), where they differ from DRF's.

Kept apart from ``api_errors``: DRF reads this setting while it defines its generic views, so this
module must not import them.
"""

from rest_framework import filters
from rest_framework.exceptions import ValidationError


class SearchFilter(filters.SearchFilter):
    """DRF's ``?search=``, whose refusal (a NUL character) is a 400 under the parameter's name, like
    every other query parameter's."""

    def get_search_terms(self, request):
        try:
            return super().get_search_terms(request)
        except ValidationError as exc:
            raise ValidationError({self.search_param: exc.detail}) from exc
