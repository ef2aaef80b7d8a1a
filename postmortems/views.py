"""HTML pages for post-mortems (placeholder until the pages land)."""

from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404


postmortem_list = postmortem_request = postmortem_detail = postmortem_pdf = version_detail = _todo
postmortem_action = preventive_action_change = _todo
