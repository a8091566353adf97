"""``zhengai xapi unresolved|remap|collect-attachments``: the xAPI actors nobody could resolve,
mapping them again once the people they name are in the data center, and deleting attachment
contents no statement carries (also run daily by the schedule)."""

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
        collect = sub.add_parser("collect-attachments", help="delete attachment contents no statement carries")
        collect.add_argument("--dry-run", action="store_true", help="only count them")

    def handle(self, *args, action, **options):
        if action == "collect-attachments":
            from zhengai.xapi.attachments import collect_garbage

            count = collect_garbage(dry_run=options["dry_run"])
            verb = "可删除" if options["dry_run"] else "已删除"
            self.stdout.write(f"{verb}无语句引用的附件内容 {count} 份。")
            return
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
