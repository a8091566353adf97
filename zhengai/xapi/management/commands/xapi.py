"""``zhengai xapi unresolved|remap``: the xAPI actors nobody could resolve, and mapping them again
once the people they name are in the data center."""

from django.core.management.base import BaseCommand, CommandError

from zhengai.core.output import FORMATS, render
from zhengai.datacenter.models import SourceSystem
from zhengai.xapi.quality import remap_unresolved, unresolved_actor_counts


class Command(BaseCommand):
    help = "xAPI 学习记录：未识别的行为者，重新映射（Unresolved xAPI actors; map them again）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("unresolved", help="unresolved actors per source")
        listing.add_argument("--format", choices=FORMATS, default="table")
        remap = sub.add_parser("remap", help="map unresolved statements again")
        remap.add_argument("--source", help="only this source system")

    def handle(self, *args, action, **options):
        if action == "unresolved":
            counts = unresolved_actor_counts()
            sources = SourceSystem.objects.filter(pk__in=counts).order_by("code")
            rows = [(s.code, s.name, counts[s.pk]) for s in sources]
            self.stdout.write(render(rows, ("source", "name", "unresolved_actors"), options["format"]), ending="")
            return
        source = None
        if options["source"]:
            source = SourceSystem.objects.filter(code=options["source"]).first()
            if source is None:
                raise CommandError(f"没有代码为“{options['source']}”的来源系统。")
        resolved, facts = remap_unresolved(source)
        self.stdout.write(f"重新识别 {resolved} 条语句，新增学习活动 {facts} 条。")
