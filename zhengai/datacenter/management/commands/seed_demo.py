"""``zhengai seed_demo``: build the demo college (see ``zhengai.datacenter.demo``)."""

from django.core.management.base import BaseCommand

from zhengai.datacenter.demo import demo_record, demo_sign_ins
from zhengai.datacenter.demo.run import SIZES, seed_demo


class Command(BaseCommand):
    help = "生成演示学院数据（Build the demo college）"

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=list(SIZES), default="small",
                            help="small ≈2,000 students, medium ≈6,000, large ≈20,000 (tiny is for tests)")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--manifest", help="write the planted patterns to this JSON file")
        parser.add_argument("--reset", action="store_true", help="delete all data-center rows and demo accounts first")

    def handle(self, *args, size, seed, manifest, reset, **options):
        summary = seed_demo(size, seed, out=self.stdout, reset_first=reset, manifest_path=manifest)
        if summary is None:
            record = demo_record()
            what = f"（演示学院 {record['size']}，seed {record['seed']}）" if record else ""
            self.stdout.write(f"已有数据{what}，未做任何改动；使用 --reset 重新生成。")
            if manifest and record:
                import json

                with open(manifest, "w", encoding="utf-8") as f:
                    json.dump({"demo_date": record["demo_date"], "seed": record["seed"], "size": record["size"],
                               "patterns": record["patterns"]}, f, ensure_ascii=False, indent=1)
            self._sign_ins()
            return
        self.stdout.write("各表行数：")
        total = 0
        for table, n, seconds in sorted(summary["tables"], key=lambda t: -t[1]):
            total += n
            rate = n / seconds if seconds > 0 else 0
            self.stdout.write(f"  {table:<32} {n:>12,} 行  {seconds:7.1f} 秒  {rate:>12,.0f} 行/秒")
        seconds = summary["seconds"]
        self.stdout.write(
            f"共 {total:,} 行，用时 {seconds:.1f} 秒（其中重建索引 {summary['index_seconds']:.1f} 秒、"
            f"质量主体同步 {summary['subject_seconds']:.1f} 秒），平均 {total / seconds:,.0f} 行/秒（{summary['vendor']}）"
        )
        planted = summary["plan"].manifest["patterns"]
        kinds = {}
        for p in planted:
            kinds[p["pattern"]] = kinds.get(p["pattern"], 0) + 1
        self.stdout.write("植入模式：" + "，".join(f"{k} {v}" for k, v in kinds.items()))
        if manifest:
            self.stdout.write(f"清单已写入 {manifest}")
        self._sign_ins()

    def _sign_ins(self):
        rows = demo_sign_ins()
        if rows:
            self.stdout.write("演示账号（用户名 / 密码）：")
            for role, username, password in rows:
                # Chinese characters take two columns in a terminal.
                pad = 12 - sum(2 if ord(ch) > 0x2E80 else 1 for ch in role)
                self.stdout.write(f"  {role}{' ' * max(1, pad)}{username:<14} {password}")
