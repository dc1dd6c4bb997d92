"""core.querystrings writes the links {% querystring %} writes."""

import pytest
from django.http import QueryDict
from django.template import Context, RequestContext, Template
from django.test import RequestFactory

from core.querystrings import QueryStrings

CHANGES = [
    {},
    {"status": "new", "after": None, "before": None},
    {"status": None, "after": None, "before": None},
    {"assigned": "me"},
    {"q": "Jürgen & <Co>", "page": 2},
    {"tags": ["a", "b c"]},
    {"missing": None},
]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "status=new",
        "q=a+b&q=c&after=2026-01-01T00%3A00%3A00%2B00%3A00~5",
        "x=%C3%A9&status=",
        "a=1&b=2&a=3",
    ],
)
@pytest.mark.parametrize("changes", CHANGES)
def test_each_link_is_the_querystring_tag_s(query, changes):
    request = RequestFactory().get("/backoffice/returns/?" + query if query else "/")
    template = Template("{% querystring " + " ".join(f"{k}=v_{k}" for k in changes) + " %}")
    expected = template.render(RequestContext(request, {f"v_{k}": v for k, v in changes.items()}))
    ours = QueryStrings(request.GET)(**changes)
    assert Template("{{ link }}").render(Context({"link": ours})) == expected
    assert QueryDict(ours.lstrip("?")) == QueryDict(expected.replace("&amp;", "&").lstrip("?"))
