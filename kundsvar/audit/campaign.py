"""A campaign: the probes run over a list of shops, ranked in one table with every
checkpoint, as the yearly mystery-shopping reports print them (rule M2)."""

from dataclasses import dataclass, field
from urllib.parse import urlparse

from django.template.loader import render_to_string

from .models import MailProbe, SiteProbe
from .report import as_json

MARKS = {"pass": "✓", "warn": "~", "fail": "✗", "unknown": "?"}


@dataclass
class Row:
    shop: str
    scores: list[int] = field(default_factory=list)
    cells: dict[str, str] = field(default_factory=dict)  # checkpoint code → status

    @property
    def score(self) -> int | None:
        return round(sum(self.scores) / len(self.scores)) if self.scores else None


@dataclass
class Ranking:
    name: str
    columns: list[tuple[str, str]]  # (code, rule)
    rows: list[Row]


def shop_of(address: str) -> str:
    """A shop's name in the table: the domain of its site or its mail address."""
    host = urlparse(address).hostname or address.rpartition("@")[2]
    return host.lower().removeprefix("www.")


def table(name: str, now=None) -> Ranking:
    rows: dict[str, Row] = {}
    columns: dict[str, str] = {}
    probes = [
        *SiteProbe.objects.filter(campaign=name).order_by("ran_at"),
        *MailProbe.objects.filter(campaign=name, score__isnull=False).order_by("created_at"),
    ]
    for probe in probes:
        if isinstance(probe, SiteProbe):
            shop = probe.name or shop_of(probe.url)
        else:
            shop = probe.shop_name or shop_of(probe.to_address)
        row = rows.setdefault(shop, Row(shop))
        row.scores.append(probe.score)
        for result in probe.results:
            columns.setdefault(result["code"], result["rule"])
            row.cells[result["code"]] = result["status"]
    ranked = sorted(rows.values(), key=lambda r: (-(r.score or 0), r.shop))
    return Ranking(name, list(columns.items()), ranked)


def render(ranking: Ranking, format: str) -> str:
    if format == "json":
        return as_json({
            "campaign": ranking.name,
            "columns": [{"code": c, "rule": r} for c, r in ranking.columns],
            "rows": [{"shop": r.shop, "score": r.score, "checks": r.cells} for r in ranking.rows],
        }) + "\n"  # fmt: skip
    if format == "html":
        codes = [code for code, _rule in ranking.columns]
        rows = [
            {"shop": r.shop, "score": r.score, "cells": [_cell(r, code) for code in codes]}
            for r in ranking.rows
        ]
        return render_to_string("audit/campaign.html", {"ranking": ranking, "rows": rows})
    return text(ranking)


def _cell(row: Row, code: str) -> tuple[str, str]:
    status = row.cells.get(code, "")
    return status, MARKS.get(status, "")


def text(ranking: Ranking) -> str:
    width = max([len(r.shop) for r in ranking.rows] + [4])
    head = f"{'#':>2} {'shop':<{width}} score  " + " ".join(
        f"{rule:<3}" for _c, rule in ranking.columns
    )
    lines = [f"Campaign {ranking.name}", head]
    for place, row in enumerate(ranking.rows, 1):
        marks = " ".join(f"{MARKS.get(row.cells.get(c, ''), ' '):<3}" for c, _r in ranking.columns)
        score = "–" if row.score is None else str(row.score)
        lines.append(f"{place:>2} {row.shop:<{width}} {score:>5}  {marks}")
    lines.append("")
    lines.append("Columns: " + ", ".join(f"{rule} {code}" for code, rule in ranking.columns))
    lines.append("✓ pass  ~ warn  ✗ fail  ? could not tell")
    return "\n".join(lines) + "\n"
