"""The analytics page of a community and its CSV export; thin over the service."""

from __future__ import annotations

import csv

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from studyhall import policy
from studyhall.analytics import charts, export, services
from studyhall.core.forms import AuthedRequest
from studyhall.discussions.selectors import visible_community
from studyhall.policy import Action


@login_required
def analytics_page(request: AuthedRequest, slug: str) -> HttpResponse:
    community = visible_community(request.user, slug)
    report = services.community_report(request.user, community)
    return render(
        request,
        "analytics/analytics.html",
        {
            "community": community,
            "report": report,
            "charts": [charts.participation_chart(report), charts.people_chart(report)],
            "series_labels": [services.SERIES_LABELS[s] for s in report.series],
            "can_edit": policy.can(request.user, Action.EDIT_COMMUNITY, community),
        },
    )


@login_required
def analytics_export(request: AuthedRequest, slug: str) -> HttpResponse:
    community = visible_community(request.user, slug)
    report = services.community_report(request.user, community)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{community.slug}-analytics.csv"'
    )
    writer = csv.writer(response)
    for row in export.csv_rows(report):
        writer.writerow(row)
    return response
