from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.template.loader import render_to_string

from kundsvar.audit import report, services
from kundsvar.shops.models import Shop


class Command(BaseCommand):
    help = "Run the service audit of a shop (rule M1): about 40 checkpoints and a score."

    def add_arguments(self, parser):
        parser.add_argument("--shop", required=True, help="the shop's short name (slug)")
        parser.add_argument("--format", choices=("text", "json", "html"), default="text")

    def handle(self, *args, shop, format, **options):
        target = Shop.objects.filter(slug=shop).first()
        if target is None:
            raise CommandError(f"No shop with the short name {shop!r}.")
        run = services.run_audit(target)
        title = f"Service audit of {target.name}, {run.ran_at:%Y-%m-%d %H:%M}"
        self.stdout.write(render(format, title, run.score, run.results), ending="")


def render(format: str, title: str, score: int, results: list[dict], **extra) -> str:
    """The report in `format`: text, JSON or a standalone HTML page."""
    base = getattr(settings, "SITE_URL", "")
    if format == "json":
        return report.as_json({"title": title, "score": score, **extra, "results": results}) + "\n"
    if format == "html":
        summary = report.summary(results)
        context = {"title": title, "score": score, "results": results, "summary": summary}
        return render_to_string("audit/print.html", context)
    return report.text(title, score, results, base_url=base)
